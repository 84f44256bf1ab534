export const HELP = `Usage: sessio [OPTIONS] [METHOD] URL [ITEM...]
       sessio login [form] URL --user NAME [--csrf PROFILE] [--session NAME (default: default)]
       sessio login jwt URL --user NAME [--refresh-url URL] [--origin API_ORIGIN]...
       sessio login client-credentials TOKEN_URL --client-id ID [--scope S] [--origin API_ORIGIN]...
       sessio login password-grant TOKEN_URL --client-id ID --user NAME [--scope S]
       sessio session list | show NAME | rm NAME

An HTTP client for the terminal whose session (cookies, headers, login) persists between calls.
Request syntax and options are HTTPie 3's; where sessio differs on purpose it says so below (*).

URL        :8080/path is http://localhost:8080/path; no scheme means http://;
           /path is relative to the session's base URL.
METHOD     GET by default, POST when there is a body.
ITEM       Header:value     request header (Header: removes a default or session header;
                            Header; sends it empty; repeated names are sent once per value)
           Header:@file     header value from a file
           param==value     query parameter (param==@file from a file)
           field=value      JSON string field (form field with --form); field=@file from a file
           field:=json      raw JSON field, e.g. n:=1 tags:='["a"]'; field:=@file JSON from a file
           field@path       file upload (;type=mime after the path sets its type)
                            (*) sessio sends a file item as multipart even without --form
           Nested JSON      a[b]=c  a[list][]:=1  a[0][k]=v  []:=1 (top-level array), \\[ literal
           A repeated form field is sent repeated; a repeated JSON key becomes an array
           (a=1 a=2 → {"a":["1","2"]}), where HTTPie 3 keeps only the last value (*)

Body       -j, --json            JSON (default);  -f, --form  urlencoded form;  --multipart
           --boundary B          the multipart boundary (default random; refused when the
                                 content contains it (*))
           --raw TEXT            the body as given
           stdin                 piped stdin is the body unless -I/--ignore-stdin or data items
                                 are given (*: a pipe is then left unread; --raw or a redirected
                                 file together with data items is an error, as HTTPie)
           -x, --compress        deflate the body when smaller (-xx always)
           --chunked             Transfer-Encoding: chunked
Auth       -a, --auth USER[:PASS]  credentials; without :PASS a prompt on the terminal
           -A, --auth-type basic|digest|bearer   (bearer: -a TOKEN)
Session    --session NAME|PATH   use and update a saved session; NAME lives in
                                 $XDG_CONFIG_HOME/sessio/sessions (owner-only). Item headers and
                                 -a credentials (basic, bearer, digest) are saved; secret ones
                                 (Authorization, X-Api-Key, *-Token…, digest) only for the origin
                                 they were sent to (*)
           --session redis://HOST:PORT/NAME   a session shared through Redis by every process that
                                 names it (cookies, tokens, CSRF tokens); give --csrf on each call (*)
           --csrf PROFILE        send CSRF tokens (spring, django, rails, angular, laravel)
           --session-read-only NAME|PATH   use a saved session without updating it
Output     -v, --verbose         request and response, redirects included (secrets redacted (*))
           -p, --print HBhbm     H request headers, B request body, h response headers,
                                 b response body, m elapsed time
           -P, --history-print   the same letters for intermediate hops (with --all)
           -h, --headers         response headers only;  -b, --body  response body only
           -m, --meta            add the elapsed time
           --all                 also print redirects and other intermediate hops
           --offline             print the request that would be sent (default -p HB); send nothing
           --pretty all|colors|format|none   default all on a terminal, none when piped
           -s, --style STYLE     accepted for HTTPie compatibility (*: sessio has one colour style)
           --sorted, --unsorted  sort headers and JSON keys in the output, or not (default)
           -S, --stream          write the response body as it arrives
           -q, --quiet           print nothing (with --check-status: only the exit code)
           --curl                print the request as a curl command (redacted), do not send
           --har FILE            also write the exchange as a HAR file (redacted)
           -d, --download        save the body to a file (-o FILE), progress bar on a terminal;
                                 to stdout when stdout is piped and there is no -o
           -c, --continue        with -d -o FILE: resume a partial download
Headers printed are those sent, in the order and (lower) case sessio's HTTP stack writes them.
Network    --timeout SECONDS     connect and idle-read timeout
           --proxy URL           HTTP(S) proxy
           --verify yes|no|CAFILE    check TLS certificates (default yes); --ca FILE: trust that CA only
           --cert FILE [--cert-key FILE] [--cert-key-pass PASS]   client certificate (PEM)
           -F, --follow          follow redirects;  --max-redirects N (default 30)
           --check-status        exit 3 for 3xx, 4 for 4xx, 5 for 5xx
           --path-as-is          send the path as written: /../ and /./ are not removed
Login      form (default)        GET the login page, POST its form with the CSRF field; the
                                 session cookie is the login
           jwt                   POST {"username","password"} as JSON, send the token as Bearer
           client-credentials, password-grant    OAuth 2 token endpoint (RFC 6749 4.4, 4.3)
           -u, --user NAME       user name; password from $SESSIO_PASSWORD, --password-stdin,
                                 or a prompt without echo
           --client-id ID        OAuth 2 client; its secret from $SESSIO_CLIENT_SECRET or
                                 --client-secret-stdin (none: a public client)
           --client-auth basic|post   how the secret is sent (default basic)
           --scope SCOPE         OAuth 2 scope (repeatable);  --param NAME=VALUE  extra token
                                 request parameter (audience, resource…; repeatable)
           --origin URL          an origin the token is sent to (repeatable; default: the login
                                 URL's origin only); requests elsewhere never carry it
           --username-field F, --password-field F   names in the form or the JWT login's JSON
           --token-path P, --token-header H    where the JWT is in the answer (default
                                 access_token, accessToken, token, jwt, id_token)
           --refresh-url URL, --refresh-token-path P   JWT refresh endpoint, refresh token's path
           --refresh-before-seconds N   refresh N seconds before the token expires (default 30)
           --scheme WORD         Authorization scheme for the JWT (default Bearer)
           --csrf PROFILE        CSRF handling for the login form and later requests
           --save-password       keep the password and client secret in the session file (0600)
                                 for re-login; without it, tokens are refreshed while the refresh
                                 token lasts, then $SESSIO_PASSWORD / $SESSIO_CLIENT_SECRET are read

Exit codes: 0 ok, 1 error, 2 timeout, 3/4/5 with --check-status, 6 too many redirects.
`;
