"""`vigil serve`: the web app on gunicorn (a production server, not Django's runserver)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any

import typer

from vigil.cli.app import app, console, fail, start_django
from vigil.core.private import PRIVATE_UMASK


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port")] = 8000,
    workers: Annotated[int, typer.Option(min=1, help="Worker processes")] = 2,
    threads: Annotated[int, typer.Option(min=1, help="Threads per worker")] = 4,
    certfile: Annotated[Path | None, typer.Option(help="TLS certificate (PEM)")] = None,
    keyfile: Annotated[Path | None, typer.Option(help="TLS private key (PEM)")] = None,
) -> None:
    """Serve the review app and the REST API. The database is migrated and the translations
    compiled first; with --certfile/--keyfile it serves HTTPS and turns on HSTS and secure
    cookies (VIGIL_TLS=true does the same behind a TLS-terminating proxy)."""
    if (certfile is None) != (keyfile is None):
        raise fail("give both --certfile and --keyfile, or neither")
    if certfile is not None:
        os.environ["VIGIL_TLS"] = "true"  # read by the settings, which are not loaded yet
    start_django(refuse_wide_home=True)  # before gunicorn: a wide home is never served
    from vigil.ops.catalogues import compile_stale

    for problem in compile_stale():
        console.print(f"[yellow]Translations:[/yellow] {problem}")
    from gunicorn.app.base import BaseApplication

    from vigil.web.wsgi import application

    options: dict[str, Any] = {
        "bind": f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
        "workers": workers,
        "threads": threads,
        "worker_class": "gthread",
        "accesslog": "-",
        # Access lines name the path (item ids), never query strings or bodies.
        "access_log_format": '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms',
        "timeout": 120,
        "umask": PRIVATE_UMASK,  # gunicorn's own default is 0, for what it creates
    }
    if certfile is not None and keyfile is not None:
        options |= {"certfile": str(certfile), "keyfile": str(keyfile)}

    class VigilServer(BaseApplication):
        def load_config(self) -> None:
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            return application

    scheme = "https" if certfile else "http"
    console.print(f"Vigil on {scheme}://{host}:{port}/ ({workers} workers × {threads} threads)")
    VigilServer().run()
