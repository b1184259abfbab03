"""The notice outbox's figures for the health answer: depth by status, oldest undelivered, the last hour's
sent and failed, the dead letters. Each count runs on an index of notices (status, next_attempt_at or
created_at): lib_outbox sets next_attempt_at to the moment a notice is sent."""
from __future__ import annotations

from datetime import datetime, timedelta

from datalayer.session import Session

QUEUED = ("PENDING", "SENDING", "FAILED", "DEAD")


def outbox(s: Session, now: datetime, dead_limit: int = 20) -> dict:
    depth = {status: 0 for status in QUEUED}
    for r in s.rows("SELECT status, COUNT(*) AS n FROM notices WHERE status IN ('PENDING', 'SENDING', 'FAILED', 'DEAD') "
                    "GROUP BY status"):
        depth[r["status"]] = int(r["n"])
    oldest = s.scalar("SELECT MIN(created_at) FROM notices WHERE status IN ('PENDING', 'FAILED', 'SENDING')")
    hour_ago = now - timedelta(hours=1)
    sent = s.scalar("SELECT COUNT(*) FROM notices WHERE status = 'SENT' AND next_attempt_at >= :h", {"h": hour_ago})
    failed = s.scalar("SELECT COUNT(*) FROM notices WHERE status IN ('FAILED', 'DEAD') AND last_attempt_at >= :h",
                      {"h": hour_ago})
    dead = s.rows("""SELECT n.notice_id, n.notice_type, n.patron_id, n.attempts, n.last_attempt_at, n.error_text,
                            n.possible_duplicate
                       FROM notices n
                      WHERE n.status = 'DEAD'
                      ORDER BY n.next_attempt_at DESC, n.notice_id DESC
                      FETCH FIRST :lim ROWS ONLY""", {"lim": dead_limit})
    return {"depth": depth, "pending": depth["PENDING"] + depth["FAILED"] + depth["SENDING"],
            "oldest_pending_s": max(0, int((now - oldest).total_seconds())) if oldest else None,
            "sent_last_hour": int(sent or 0), "failed_last_hour": int(failed or 0),
            "dead_letters": dead}
