export const HELP = `Usage: sessio [OPTIONS] [METHOD] URL [ITEM...]
       sessio login URL --user NAME [--csrf spring|django|rails|angular] [--session NAME (default: default)]
       sessio session list | show NAME | rm NAME

An HTTP client for the terminal whose session (cookies, headers, login) persists between calls.

URL        :8080/path is http://localhost:8080/path; no scheme means http://;
           /path is relative to the session's base URL.
METHOD     GET by default, POST when there is a body.
ITEM       Header:value     request header (Header: removes a session header)
           param==value     query parameter
           field=value      JSON string field (form field with --form)
           field:=json      raw JSON field, e.g. n:=1 tags:='["a"]'
           field=@file      field from a text file;  field:=@file  JSON from a file
           field@path       file upload (multipart; ;type=mime after the path sets its type)

Session    --session NAME|PATH   use and update a saved session; NAME lives in
                                 $XDG_CONFIG_HOME/sessio/sessions (owner-only)
Body       -f, --form            urlencoded form (multipart with files)
           -j, --json            JSON body (default)
Output     -v, --verbose         print the request and response (secrets redacted)
           -p, --print HBhb      H request headers, B request body, h response headers, b body
           -h, --headers         response headers only;  -b, --body  response body only
           --pretty all|colors|format|none   default all on a terminal, none when piped
           -q, --quiet           print nothing (with --check-status: only the exit code)
           --curl                print the request as a curl command (redacted), do not send
           --har FILE            also write the exchange as a HAR file (redacted)
           -d, --download        save the body to a file (-o FILE), progress bar on a terminal
Network    --timeout SECONDS     connect and idle-read timeout
           --proxy URL           HTTP(S) proxy
           --verify yes|no|CAFILE    check TLS certificates (default yes); --ca FILE: trust that CA only
           -F, --follow          follow redirects;  --max-redirects N (default 30)
           --check-status        exit 3 for 3xx, 4 for 4xx, 5 for 5xx
Login      -u, --user NAME       user name;  password from $SESSIO_PASSWORD, --password-stdin,
                                 or a prompt without echo
           --csrf PROFILE        CSRF handling for the login form and later requests
           --save-password       keep the password in the session file (0600) for re-login

Exit codes: 0 ok, 1 error, 2 timeout, 3/4/5 with --check-status, 6 too many redirects.
`;
