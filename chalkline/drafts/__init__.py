"""The "Check a draft" page: any employee screens a draft with the screening engine before posting
it, and may keep a record of the check. The engine itself lives in ``chalkline.screening``."""
