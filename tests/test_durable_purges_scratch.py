import pytest
from django.db import connection
from tests import servers
from tests.test_faults import collected_static  # noqa
import urllib.request, subprocess

@pytest.mark.django_db(transaction=True)
def test_scratch(make_article, collected_static, tmp_path):
    a = make_article()
    env = servers.production_env(servers.database_url(connection.settings_dict), collected_static, DJANGO_LOG_LEVEL="INFO")
    with servers.app_server(8191, env, tmp_path / "s.log") as base:
        for url in ("/", a.get_absolute_url(), "/feed/rss/"):
            req = urllib.request.Request(base + url, method="HEAD", headers={"Host": "localhost"})
            try:
                print(urllib.request.urlopen(req).status)
            except Exception as e:
                print(e)
    print((tmp_path / "s.log").read_text())
