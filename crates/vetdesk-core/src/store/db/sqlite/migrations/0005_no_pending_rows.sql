-- A case's checklist is its template version plus the results recorded: pending is the absence
-- of a result, and no longer has a row. Opening a case wrote one pending row per template item
-- (47 per imported candidate); they go, with any evidence links a reset item still had.
DELETE FROM item_evidence
WHERE EXISTS (SELECT 1 FROM checklist_items i
              WHERE i.case_id = item_evidence.case_id AND i.item_id = item_evidence.item_id
                AND i.result = 'pending');
DELETE FROM checklist_items WHERE result = 'pending';
