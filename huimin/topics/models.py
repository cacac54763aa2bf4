"""Topic pages (专题专栏, 集成服务) built from typed components: the topic designer."""
