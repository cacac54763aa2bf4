from wagtail import hooks

LOGIN_LOG_ACTIONS = {
    "huimin.login": ("登录", "登录了管理后台"),
    "huimin.logout": ("退出登录", "退出了管理后台"),
    "huimin.login_failed": ("登录失败", "登录管理后台失败（密码错误或账号已暂停登录）"),
}


@hooks.register("register_log_actions")
def register_login_log_actions(actions):
    for action, (label, message) in LOGIN_LOG_ACTIONS.items():
        actions.register_action(action, label, message)
