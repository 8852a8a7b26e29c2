"""Run at start-up by the Threadline processes the CLI tests launch (tests/test_cli.py puts this folder on
their PYTHONPATH): the same cheap argon2 parameters as tests/conftest.py gives the test process, so a demo's
staff or a new user costs milliseconds instead of 0.2–0.8 s per hash. Production keeps argon2's defaults."""

import argon2

argon2.PasswordHasher.__init__.__defaults__ = (1, 1024, 1) + argon2.PasswordHasher.__init__.__defaults__[3:]
