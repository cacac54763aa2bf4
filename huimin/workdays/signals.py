from django.dispatch import Signal

# Sent by the calendar services after a calendar's days or hours change, with `calendar` (the WorkCalendar)
# and `years` (the years affected). Whatever keeps deadlines (netizen messages) recomputes its open ones.
calendar_changed = Signal()
