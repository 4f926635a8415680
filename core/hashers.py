"""Password hashing sized for the portal's machines (2 shared cores).

Django's Argon2 defaults (100 MiB, 2 passes, 8 lanes) took 0.52 s per login here, more than the
PBKDF2-SHA256 with 1,000,000 iterations it replaces (0.19 s, and 1.9-3.3 s seen on a loaded server),
because 8 lanes on 2 cores only queue. This is Argon2id at RFC 9106's memory size, 64 MiB, with 3
passes and one lane: memory-hard, hence far stronger than PBKDF2 against GPU guessing, and about 0.14 s
per login on the same machine (docs/benchmarks.md). Old hashes are upgraded at the next login.
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class PortalArgon2PasswordHasher(Argon2PasswordHasher):
    time_cost = 3
    memory_cost = 65536  # KiB
    parallelism = 1
