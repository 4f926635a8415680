"""Password hashing sized for the portal's machines (2 shared cores).

Django's Argon2 defaults (100 MiB, 2 passes, 8 lanes) took 0.52 s per check here, more than the
PBKDF2-SHA256 with 1,000,000 iterations it replaces (0.19 s quiet, 0.39 s on a loaded machine; logins
of 1.9-3.3 s were seen on a loaded server), because 8 lanes on 2 cores only queue and 100 MiB is
touched twice. This is OWASP's first recommended Argon2id configuration (46 MiB, 1 pass, 1 lane):
memory-hard, hence far stronger than PBKDF2 against GPU and ASIC guessing, and 3-4 times faster per
login on the same machine (docs/benchmarks.md). Old hashes are upgraded at the user's next login.
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class PortalArgon2PasswordHasher(Argon2PasswordHasher):
    time_cost = 1
    memory_cost = 47104  # KiB: 46 MiB
    parallelism = 1
