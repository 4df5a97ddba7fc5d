"""Steps that span apps: each function calls the services of several apps in ONE transaction.

The apps below (people, audit, policies, acks, ...) never import this package; views, commands
and the URL configuration above them do.
"""
