"""Wagtail's own starting data in Chinese: the tree's root page, the two default groups and the default
approval workflow with its task, where they still carry Wagtail's English names (a name someone changed is
left as it is)."""

from django.db import migrations

RENAMES = {
    ("wagtailcore", "Page"): ("title", {"Root": "网站群"}),
    ("auth", "Group"): ("name", {"Editors": "编辑（默认）", "Moderators": "审核员（默认）"}),
    ("wagtailcore", "Workflow"): ("name", {"Moderators approval": "审核员审批（默认）"}),
    ("wagtailcore", "Task"): ("name", {"Moderators approval": "审核员审批（默认）"}),
}


def rename(apps, schema_editor, reverse=False):
    for (app_label, model_name), (field, names) in RENAMES.items():
        model = apps.get_model(app_label, model_name)
        for old, new in names.items():
            before, after = (new, old) if reverse else (old, new)
            if model_name == "Group" and model.objects.filter(name=after).exists():
                continue  # a group of that name exists already: names are unique
            changes = {field: after}
            if model_name == "Page":
                changes["draft_title"] = after
                model.objects.filter(depth=1, **{field: before}).update(**changes)
            else:
                model.objects.filter(**{field: before}).update(**changes)


class Migration(migrations.Migration):
    dependencies = [
        ("huimin_sites", "0009_home_body"),
        ("wagtailcore", "0095_groupsitepermission"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(rename, lambda apps, editor: rename(apps, editor, reverse=True))]
