"""Admin view glue shared by the apps."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction


class ServiceFormMixin:
    """Run the service in one transaction; its refusals come back as form errors, nothing half done."""

    def form_valid(self, form):
        try:
            with transaction.atomic():
                return super().form_valid(form)
        except ValidationError as error:
            form.add_error(None, error)
        except PermissionDenied as error:
            form.add_error(None, str(error))
        self.produced_error_message = self.get_error_message()
        return self.form_invalid(form)
