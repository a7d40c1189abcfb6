"""The portal's sections keep their models in their own packages; Django finds them here.

Importing this module (as Django does for every installed app) imports each registry entry's
`portal/<package>/models.py`, so the models register under the app label `portal`.
"""

from portal.registry import import_models

import_models()
