"""Password-reset links that a revocation ends: Django's token, plus the revocation time.

Django's token already changes with the password, the last sign-in and the email address, so a
new email ends older links. Archiving a client or turning their login off sets
User.credentials_revoked_at, which ends them too, even after a restore.
"""

from django.contrib.auth.tokens import PasswordResetTokenGenerator


class ResetTokenGenerator(PasswordResetTokenGenerator):
    def _make_hash_value(self, user, timestamp):
        revoked = user.credentials_revoked_at
        stamp = "" if revoked is None else revoked.isoformat()
        return f"{super()._make_hash_value(user, timestamp)}{stamp}"


reset_token_generator = ResetTokenGenerator()
