from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from .admin_views import InterviewListView, LiveDeskView


@hooks.register("register_admin_urls")
def register_interview_urls():
    return [
        path("interviews/", InterviewListView.as_view(), name="interviews_list"),
        path("interviews/<int:pk>/", LiveDeskView.as_view(), name="interviews_desk"),
    ]


@hooks.register("register_admin_menu_item")
def register_interviews_menu_item():
    return MenuItem("在线访谈", reverse("interviews_list"), icon_name="comment", order=245)


@hooks.register("register_log_actions")
def register_interview_log_actions(actions):
    actions.register_action("huimin_interviews.moderate", "审核网友提问", "审核了网友提问")
    actions.register_action("huimin_interviews.post_line", "发布文字实录", "发布了一条文字实录")
    actions.register_action("huimin_interviews.correct_line", "更正文字实录", "更正了一条文字实录")
    actions.register_action("huimin_interviews.hide_line", "隐藏文字实录", "隐藏或恢复了一条文字实录")
