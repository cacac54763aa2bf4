from django.contrib.auth.hashers import PBKDF2PasswordHasher


class QueryPasswordHasher(PBKDF2PasswordHasher):
    """For the 6-digit query passwords of letters: PBKDF2 with fewer rounds than account passwords.

    A query password opens one letter, is tried online behind the query form, and has a million possible
    values, so the million rounds Django gives account passwords (about half a second of CPU per letter
    received) buy nothing here but a slow intake under load; 20,000 rounds keep an offline search of one
    letter's password in the hours.
    """

    algorithm = "huimin_query_pbkdf2"
    iterations = 20_000
