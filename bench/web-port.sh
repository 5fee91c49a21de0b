# Sourced by the bench scripts: gives a distribution copy's web server (Felix HTTP) a free loopback port, in
# etc/org.apache.felix.http.cfg and in the boot-time default of etc/config.properties, never the shared 8181
# (a user's daemon or another run would collide there). Usage: port="$(use_free_web_port "$home")".
free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
use_free_web_port() {
  local home="$1" port
  port="$(free_port)"
  printf 'org.apache.felix.http.host = 127.0.0.1\norg.osgi.service.http.port = %s\n' "$port" \
    > "$home/etc/org.apache.felix.http.cfg"
  sed -i "s/^org\.osgi\.service\.http\.port=.*/org.osgi.service.http.port=$port/" "$home/etc/config.properties"
  echo "$port"
}
