"""The local web page (``workplan-docs serve``): everything the CLI does, one page away.

Imported only by ``serve``: the web stack (Starlette, Jinja2, uvicorn) costs the other
commands nothing.
"""

from __future__ import annotations

import socket
import sys
import threading
import webbrowser

from ..errors import WorkplanError

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


def listen(host: str, port: int) -> socket.socket:
    """A socket bound before the server starts, so that a port in use is one clear line."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as error:
        sock.close()
        reason = "端口已被占用（是否已有一个 serve 在运行？可用 --port 换一个端口）" if error.errno == 98 else error.strerror
        raise WorkplanError(f"无法在 {host}:{port} 上监听：{reason}") from None
    sock.listen(64)
    return sock


def serve(host: str = "127.0.0.1", port: int = 8765, token: str | None = None, open_browser: bool = True) -> None:
    """Run the page until Ctrl+C.  Anything but this machine's own address needs a token."""
    if host not in LOCAL_HOSTS and not token:
        raise WorkplanError(f"在 {host} 上提供服务会让其他电脑也能访问，必须同时用 --token 设定访问口令")
    import uvicorn

    from .app import create_app

    sock = listen(host, port)
    port = sock.getsockname()[1]
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    url = f"http://{shown}:{port}/"
    server = uvicorn.Server(uvicorn.Config(create_app(token), log_level="warning", access_log=False))
    print(f"工作计划文件生成页面已启动：{url}", flush=True)
    if host not in LOCAL_HOSTS:
        print(f"正在 {host}:{port} 上监听，其他电脑可访问，需输入访问口令。", flush=True)
    else:
        print("仅本机可访问；文件只在本机处理。", flush=True)
    print("按 Ctrl+C 停止服务（停止时删除本次上传和生成的临时文件）。", flush=True)
    if open_browser:
        threading.Timer(0.5, webbrowser.open, args=(url,)).start()
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
    print("服务已停止。", file=sys.stderr)
