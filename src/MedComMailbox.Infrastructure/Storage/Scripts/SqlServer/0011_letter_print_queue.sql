-- 0011 (issue 16): paper letters for citizens exempt from Digital Post (status 'print', then 'printed'). The same as the
-- SQLite script; see there for why.
ALTER TABLE letters ADD print_name NVARCHAR(400) NULL;
ALTER TABLE letters ADD print_address NVARCHAR(1000) NULL;
ALTER TABLE letters ADD printed_by NVARCHAR(400) NULL;
