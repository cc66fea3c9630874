-- 0011 (issue 16): paper letters for citizens exempt from Digital Post. A letter whose recipient the CPR register says is
-- exempt (DigitalPost:ExemptRecipients = PrintQueue) gets status 'print' instead of being sent, with the name and address
-- the register gave at that moment; an operator prints it and marks it sent: status 'printed', sent_at, printed_by.
-- status: pending | sending | accepted | delivered | failed | print | printed. The queue is read by status
-- (ix_letters_due leads with it). Personal data (name, address), deleted with the letter by the retention sweep.
ALTER TABLE letters ADD COLUMN print_name TEXT NULL;
ALTER TABLE letters ADD COLUMN print_address TEXT NULL;
ALTER TABLE letters ADD COLUMN printed_by TEXT NULL;
