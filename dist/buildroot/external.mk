# SPDX-License-Identifier: MIT
# BR2_EXTERNAL tree of Qanat: every package under package/.
include $(sort $(wildcard $(BR2_EXTERNAL_QANAT_PATH)/package/*/*.mk))
