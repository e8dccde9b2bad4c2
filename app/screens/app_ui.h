/* SPDX-License-Identifier: MIT */
/* The UI mode of the qanat executable (what runs without a sub-command). */
#ifndef APP_UI_H
#define APP_UI_H

struct app;

/* Runs the 10-foot UI with the options after the program name; returns the exit status. */
int app_ui_main(int argc, char **argv);

#endif
