-- When a diner stopped being one: the date of death (died_on) of a diner marked deceased, and the
-- date a diner left the programme (left_on: moved away, withdrew), as YYYY-MM-DD; '' when unknown
-- or while the diner is active. The status alone says that the subsidy stops; the date says from
-- when, so that the anti-fraud scan can hold back every meal recorded after the death, including
-- those recorded before the staff learnt of it (until now it could only use the time the record
-- was last changed). Setting the diner back to active (a mistake corrected) clears both.
ALTER TABLE diners ADD COLUMN died_on TEXT NOT NULL DEFAULT '';
ALTER TABLE diners ADD COLUMN left_on TEXT NOT NULL DEFAULT '';
