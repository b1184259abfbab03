-- 040_views.sql: views for the common reads of the desk, the portal and reports.

-- Copies per material and branch, with how many can go out now (copy_statuses: is_available, and
-- in_collection N for the withdrawn ones, left out).
CREATE OR REPLACE VIEW copy_availability_v AS
SELECT c.material_id,
       c.branch_id,
       COUNT(*) AS total_copies,
       SUM(CASE WHEN cs.is_available = 'Y' THEN 1 ELSE 0 END) AS available_copies,
       SUM(CASE WHEN c.status = 'ON_LOAN' THEN 1 ELSE 0 END) AS on_loan_copies,
       SUM(CASE WHEN c.status = 'ON_HOLD_SHELF' THEN 1 ELSE 0 END) AS on_hold_shelf_copies
  FROM copies c
  JOIN copy_statuses cs ON cs.code = c.status
 WHERE cs.in_collection = 'Y'
 GROUP BY c.material_id, c.branch_id;

-- A patron's current loans with titles, days overdue counted from the due date.
CREATE OR REPLACE VIEW patron_current_loans_v AS
SELECT l.loan_id,
       l.patron_id,
       l.copy_id,
       c.barcode,
       m.material_id,
       m.title,
       m.material_type,
       l.branch_id,
       l.checkout_at,
       l.due_at,
       l.renewals,
       l.status,
       CASE WHEN l.due_at < SYS_EXTRACT_UTC(SYSTIMESTAMP) THEN 'Y' ELSE 'N' END AS is_overdue
  FROM loans l
  JOIN copies c ON c.copy_id = l.copy_id
  JOIN materials m ON m.material_id = c.material_id
 WHERE l.status = 'ACTIVE';

-- Open holds (hold_statuses.is_active) with their place in the queue of their material (1 = next to be filled).
CREATE OR REPLACE VIEW hold_queue_v AS
SELECT h.hold_id,
       h.patron_id,
       h.material_id,
       m.title,
       h.pickup_branch_id,
       h.status,
       h.placed_at,
       h.copy_id,
       h.ready_at,
       h.expires_at,
       h.suspended_until,
       ROW_NUMBER() OVER (PARTITION BY h.material_id ORDER BY h.placed_at, h.hold_id) AS queue_position
  FROM holds h
  JOIN materials m ON m.material_id = h.material_id
 WHERE h.status IN (SELECT hs.code FROM hold_statuses hs WHERE hs.is_active = 'Y');
