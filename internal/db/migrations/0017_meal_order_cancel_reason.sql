-- Why an online order was cancelled: '' when the ordering side cancelled it (the diner or a
-- relative, before the cut-off), 'diner_deceased' or 'diner_left' when the office recorded that
-- the diner died or left and the order was cancelled with it. The kitchen's list and the order's
-- page say so, and the diner's page lists what recording the status cancelled.
ALTER TABLE meal_orders ADD COLUMN cancel_reason TEXT NOT NULL DEFAULT '';
