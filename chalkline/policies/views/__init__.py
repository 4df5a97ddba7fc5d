"""Policy library pages: ``staff`` (signed in, READ_POLICIES / MANAGE_POLICIES) and ``portal``
(public, no sign-in, published versions only)."""
