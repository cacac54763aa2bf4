"""Every public page type of the site group, with one demo address each.

The accessibility browser tests open each of these in every display mode and at desktop and phone width; a
page type added to the product joins the tests by being added here.
"""

PUBLIC_PAGES = [
    ("127.0.0.1", "/", "home"),
    ("slj.localhost", "/", "home"),
    ("127.0.0.1", "/gzdt/", "column"),
    ("slj.localhost", "/tzgg/", "column"),
    ("127.0.0.1", "/zcwj/seed-2022-website-work-points/", "article"),
    ("shuyang.localhost", "/gzdt/demo-gzdt-1/", "article"),
    ("127.0.0.1", "/zcwjk/?doc_kind=通知&validity=valid", "policy-library"),
    ("slj.localhost", "/zcwjk/demo-policy-10/", "policy"),
    ("jyj.localhost", "/zcwjk/demo-jd-demo-policy-1/", "interpretation"),
    ("127.0.0.1", "/gongju/deadline/?start=2022-09-30+16:00&amount=1&unit=days", "tool"),
    ("slj.localhost", "/hudong/liuyan/", "letter-form"),
    ("127.0.0.1", "/hudong/liuyan/chaxun/", "letter-follow"),
    ("slj.localhost", "/hudong/liuyan/gongkai/", "letters-published"),
    ("slj.localhost", "/hudong/liuyan/tongji/", "letter-statistics"),
    # services
    ("127.0.0.1", "/bszn/?theme=养老服务", "guide-list"),
    ("jyj.localhost", "/bszn/ywjyrxbm/", "guide"),
    ("127.0.0.1", "/bstj/", "handling-statistics"),
    # topics
    ("127.0.0.1", "/ztzl/", "topic-index"),
    ("127.0.0.1", "/ztzl/kbqy/", "topic-integrated"),
    ("127.0.0.1", "/ztzl/ylfw/", "topic-integrated"),
    ("127.0.0.1", "/ztzl/rxry/", "topic-integrated"),
    ("shuyang.localhost", "/ztzl/xczx/", "topic"),
    # interviews
    ("jyj.localhost", "/zxft/", "interview-index"),
    ("jyj.localhost", "/zxft/2026-ywjy-zsrx/", "interview"),
    ("jyj.localhost", "/zxft/2026-xqjy-pwhj/", "interview-upcoming"),
    # opendata
    ("127.0.0.1", "/sjkf/?theme=资源环境", "data-catalog"),
    ("127.0.0.1", "/sjkf/hdszjc-yb/?sort=-c5", "dataset"),
    ("127.0.0.1", "/ztzl/sjkss/", "topic-data-charts"),
    # search
    ("127.0.0.1", "/search/?q=适老化&scope=group", "search"),
    ("slj.localhost", "/search/?q=火星移民签证", "search-empty"),
    # search (Q&A)
    ("127.0.0.1", "/qa/", "qa"),
    ("shuyang.localhost", "/qa/?q=咨询类留言多长时间内答复？", "qa-answer"),
    ("127.0.0.1", "/qa/?q=火星移民怎么申请？", "qa-missing"),
    # the chrome's own pages
    ("127.0.0.1", "/wzdt/", "site-map"),
    ("jyj.localhost", "/wzdt/", "site-map"),
]

# Pages answered with an error status (the tests above open pages that answer 200): the branded 404 inside a
# site's chrome, and "site not found" for a host that no site claims. test_navigation_browser opens each in
# every display mode at desktop and phone width.
ERROR_PAGES = [
    ("127.0.0.1", "/no-such-page/", "not-found"),
    ("slj.localhost", "/zcwj/no-such-article/", "not-found"),
    ("unknown.localhost", "/", "site-not-found"),
]
