"""Domain events other apps may listen to, so the domain never imports them."""

from django.dispatch import Signal

# Sent once per scoring transaction, after it commits; kwargs: results, a dict of assessment id
# -> result id for every assessment it scored (one, or a batch: services.assessment_score).
assessments_scored = Signal()
