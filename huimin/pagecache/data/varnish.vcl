vcl 4.1;
# Huimin's front cache (docs/operations.md): Varnish keeps what Huimin's page cache may keep, keyed like it
# (host, path, query string, display mode), and drops it when Huimin bans it after a change.

backend huimin {
    # nginx's upstream of the app servers, or one app server.
    .host = "127.0.0.1";
    .port = "8080";
}

# Who may ban and purge: the app servers. Refuse BAN and PURGE from the outside in nginx as well.
acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    if (req.method == "BAN") {
        if (!client.ip ~ purgers) {
            return (synth(405, "Not allowed"));
        }
        if (req.http.X-Huimin-Ban-Host == "*" && req.http.X-Huimin-Ban-Tag) {
            ban("obj.http.X-Huimin-Tags ~ " + req.http.X-Huimin-Ban-Tag);
        } elsif (req.http.X-Huimin-Ban-Host == "*") {
            ban("obj.status != 0");
        } elsif (req.http.X-Huimin-Ban-Tag) {
            ban("obj.http.X-Huimin-Host == " + req.http.X-Huimin-Ban-Host +
                " && obj.http.X-Huimin-Tags ~ " + req.http.X-Huimin-Ban-Tag);
        } else {
            ban("obj.http.X-Huimin-Host == " + req.http.X-Huimin-Ban-Host);
        }
        return (synth(200, "Banned"));
    }
    if (req.method == "PURGE") {
        if (!client.ip ~ purgers) {
            return (synth(405, "Not allowed"));
        }
        return (purge);
    }
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    # A signed-in reader or a one-time message: never from the cache.
    if (req.http.Cookie ~ "(^|;\s*)(sessionid|messages)=") {
        return (pass);
    }
    # Only the display mode changes what is rendered: keep that cookie, drop the others.
    if (req.http.Cookie ~ "(^|;\s*)huimin_mode=") {
        set req.http.Cookie = regsub(req.http.Cookie, "^(?:.*;\s*)?(huimin_mode=[^;]*).*$", "\1");
    } else {
        unset req.http.Cookie;
    }
    return (hash);
}

sub vcl_hash {
    hash_data(req.url);
    hash_data(req.http.host);
    if (req.http.Cookie) {
        hash_data(req.http.Cookie);
    }
    return (lookup);
}

sub vcl_backend_response {
    # Only what Huimin tags (a page its own cache keeps) is kept here, for its s-maxage.
    if (!beresp.http.X-Huimin-Tags) {
        set beresp.uncacheable = true;
        set beresp.ttl = 120s;
        return (deliver);
    }
}

sub vcl_deliver {
    if (obj.hits > 0) {
        set resp.http.X-Front-Cache = "hit";
    } else {
        set resp.http.X-Front-Cache = "miss";
    }
    unset resp.http.X-Huimin-Host;
    unset resp.http.X-Huimin-Tags;
}
