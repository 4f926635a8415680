"""URLs of the officers' review screens (round set-up, pool, conflicts, assignment, results, publicity)."""

urlpatterns: list = []
