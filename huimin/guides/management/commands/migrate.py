"""Django's `migrate`, first carrying a database from the guide app's old label (see `guides.relabel`)."""

from django.core.management.commands.migrate import Command as MigrateCommand

from huimin.guides.relabel import adopt_old_label


class Command(MigrateCommand):
    def handle(self, *args, **options):
        renamed = adopt_old_label(options["database"])
        if renamed and options["verbosity"] >= 1:
            self.stdout.write(
                f"已将办事指南应用的 {len(renamed)} 张数据表从旧名称 huimin_services 迁移到 huimin_guides。"
            )
        return super().handle(*args, **options)
