"""Acknowledgment pages: the employee's (employee.py), the principal's and district's (manage.py),
records, files and exports (records.py)."""
