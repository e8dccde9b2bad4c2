"""Operator API (plans, vouchers, tickets, messages, renewal page) and the CMCD beacon sink."""

import base64
import json
import time
import unittest

from paneltest import Panel

P = None


def setUpModule():
    global P
    P = Panel()


def tearDownModule():
    assert P.stop() == 0


def auth(u, p):
    return {"Authorization": "Basic " + base64.b64encode(("%s:%s" % (u, p)).encode()).decode()}


class Operator(unittest.TestCase):
    def test_auth(self):
        self.assertEqual(P.get("/api/v1/plans").status, 401)
        self.assertEqual(P.get("/api/v1/plans", headers=auth("demo", "x")).status, 401)
        self.assertEqual(P.get("/api/v1/plans", headers=auth("banned", "banned")).status, 403)
        r = P.get("/api/v1/plans", headers=auth("ar", "p@ss:w rd&x"))
        self.assertEqual(r.status, 200)
        for p in r.json():
            self.assertEqual(set(p), {"id", "name", "price", "currency", "period_days",
                                      "max_connections", "description"})

    def redeem(self, user, code, key=None):
        h = auth(user, user)
        if key:
            h["Idempotency-Key"] = key
        return P.request("/api/v1/vouchers/redeem", "POST", {"code": code}, h)

    def test_vouchers(self):
        before = int(P.api("soon", "soon").json()["user_info"]["exp_date"])
        r = self.redeem("soon", "VALID-30", "k-1")
        self.assertEqual(r.status, 200)
        self.assertEqual(r.json()["status"], "applied")
        after = int(P.api("soon", "soon").json()["user_info"]["exp_date"])
        self.assertEqual(after - before, 30 * 86400)
        self.assertEqual(r.json()["exp_date"], after)
        again = self.redeem("soon", "VALID-30", "k-1")
        self.assertEqual((again.status, again.json()), (200, r.json()))
        self.assertEqual(int(P.api("soon", "soon").json()["user_info"]["exp_date"]), after)
        self.assertEqual(self.redeem("soon", "VALID-30", "k-2").status, 409)
        self.assertEqual(self.redeem("soon", "USED-1").json(), {"error": "already_used"})
        self.assertEqual(self.redeem("soon", "EXPIRED-1").status, 410)
        self.assertEqual(self.redeem("soon", "NOPE").status, 404)
        r = self.redeem("soon", "RATE-1")
        self.assertEqual((r.status, r.header("Retry-After")), (429, "3"))

    def test_expired_account_reactivated(self):
        self.assertEqual(P.api("expired", "expired").json()["user_info"]["status"], "Expired")
        self.assertEqual(self.redeem("expired", "VALID-7").status, 200)
        ui = P.api("expired", "expired").json()["user_info"]
        self.assertEqual(ui["status"], "Active")
        self.assertGreater(int(ui["exp_date"]), time.time() + 6 * 86400)

    def test_tickets(self):
        h = auth("demo", "demo")
        h["Idempotency-Key"] = "t-1"
        body = {"category": "playback", "message": "stutters", "diagnostics": {"app": "1.0"}}
        r = P.request("/api/v1/support/tickets", "POST", body, h)
        self.assertEqual(r.status, 201)
        self.assertEqual(set(r.json()), {"ticket_id", "eta_minutes"})
        r2 = P.request("/api/v1/support/tickets", "POST", body, h)
        self.assertEqual(r2.json(), r.json())
        self.assertEqual(len(P.get("/_control/tickets").json()), 1)
        big = {"category": "x", "message": "y", "diagnostics": {"log": "a" * 70000}}
        r = P.request("/api/v1/support/tickets", "POST", big, auth("demo", "demo"))
        self.assertEqual(r.status, 413)

    def test_messages(self):
        allm = P.get("/api/v1/messages", headers=auth("demo", "demo")).json()
        self.assertEqual(len(allm), 3)
        self.assertEqual({m["severity"] for m in allm}, {"info", "warning", "critical"})
        since = P.state["started"] - 120
        newer = P.get("/api/v1/messages?since=%d" % since, headers=auth("demo", "demo")).json()
        self.assertEqual([m["id"] for m in newer], ["m2", "m3"])
        t = int(time.time())
        P.request("/_control/messages", "POST", {"title": "New", "body": "Hello", "starts_at": t + 100})
        n = P.get("/api/v1/messages?since=%d" % (t + 50), headers=auth("demo", "demo")).json()
        self.assertEqual([m["title"] for m in n], ["New"])

    def test_renew_page(self):
        r = P.get("/renew?u=demo")
        self.assertEqual(r.status, 200)
        self.assertIn(b"demo", r.body)
        self.assertTrue(r.header("Content-Type").startswith("text/html"))
        self.assertEqual(P.get("/renew?u=nobody").status, 404)


class Beacons(unittest.TestCase):
    def setUp(self):
        P.request("/_control/beacons", "DELETE")

    def test_cmcd(self):
        body = (b'cid="live:1",e=ps,sid="s1",sn=0,st=l,sta=s,ts=1767225600000,v=2\n'
                b'e=rr,rc=200,sid="s1",sn=1,ts=1767225600012,v=2')
        r = P.request("/qoe/cmcd", "POST", body, {"Content-Type": "application/cmcd",
                                                   "Authorization": "Bearer abc"})
        self.assertEqual(r.status, 204)
        got = P.get("/_control/beacons").json()
        self.assertEqual(len(got), 1)
        self.assertEqual(got[0]["content_type"], "application/cmcd")
        self.assertEqual(len(got[0]["records"]), 2)
        self.assertEqual(got[0]["headers"]["Authorization"], "Bearer abc")

    def test_trailing_lf_rejected(self):
        r = P.request("/qoe/cmcd", "POST", b"e=b,v=2\n", {"Content-Type": "application/cmcd"})
        self.assertEqual(r.status, 400)
        self.assertEqual(r.json()["error"], "trailing_lf")
        self.assertEqual(P.get("/_control/beacons").json(), [])

    def test_json_envelope(self):
        env = {"schema": "qanat-cmcd-1", "device": {"model": "x"}, "sent_at": 1,
               "events": [{"e": "ps", "sta": "s", "v": 2}, {"e": "t", "br": [4500], "v": 2}]}
        r = P.request("/qoe/cmcd", "POST", json.dumps(env).encode(), {"Content-Type": "application/json"})
        self.assertEqual(r.status, 204)
        got = P.get("/_control/beacons").json()[0]
        self.assertEqual(got["records"], env["events"])
        self.assertEqual(got["envelope"]["schema"], "qanat-cmcd-1")
        self.assertEqual(P.request("/qoe/cmcd", "POST", b"{", {"Content-Type": "application/json"}).status, 400)
        self.assertEqual(P.request("/qoe/cmcd", "POST", b"x", {"Content-Type": "text/plain"}).status, 415)


if __name__ == "__main__":
    unittest.main()
