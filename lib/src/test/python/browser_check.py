#!/usr/bin/python3
"""Drives a notebook served by jupyter-notebook in headless Chromium over the DevTools protocol (port 9222): waits for
the kernel, clicks Run All (Jupyter.notebook.execute_all_cells), waits for every code cell, counts the images and
errors in the page, saves a screenshot. Started by browser_check.sh; exit 1 on an error output or no image."""
import asyncio, base64, json, sys, time, urllib.request
from tornado.websocket import websocket_connect

async def main(out):
    for _ in range(100):
        try:
            tabs = json.load(urllib.request.urlopen("http://127.0.0.1:9222/json"))
            tab = next(t for t in tabs if t["type"] == "page" and "/notebooks/" in t.get("url", ""))
            break
        except Exception:
            await asyncio.sleep(0.3)
    ws = await websocket_connect(tab["webSocketDebuggerUrl"], max_message_size=1 << 28)
    n = [0]
    async def call(method, **params):
        n[0] += 1; i = n[0]
        await ws.write_message(json.dumps({"id": i, "method": method, "params": params}))
        while True:
            m = json.loads(await ws.read_message())
            if m.get("id") == i:
                return m.get("result", m)
    async def js(expr):
        r = await call("Runtime.evaluate", expression=expr, returnByValue=True)
        return r.get("result", {}).get("value")
    await call("Emulation.setDeviceMetricsOverride", width=1300, height=7000, deviceScaleFactor=1, mobile=False)
    t0 = time.time()
    while not await js("!!(window.Jupyter && Jupyter.notebook && Jupyter.notebook.kernel && Jupyter.notebook.kernel.is_connected())"):
        if time.time() - t0 > 120: sys.exit("kernel never connected in the browser")
        await asyncio.sleep(0.5)
    print(f"kernel connected in the browser after {time.time()-t0:.1f} s:", await js("Jupyter.notebook.kernel.name"), flush=True)
    await js("Jupyter.notebook.execute_all_cells()")
    t1 = time.time()
    done = "Jupyter.notebook.get_cells().filter(c => c.cell_type == 'code').every(c => c.input_prompt_number !== '*' && c.input_prompt_number != null)"
    while not await js(done):
        if time.time() - t1 > 300: break
        await asyncio.sleep(1)
    print(f"Run All finished after {time.time()-t1:.1f} s", flush=True)
    print("prompts:", await js("Jupyter.notebook.get_cells().filter(c => c.cell_type == 'code').map(c => c.input_prompt_number).join(',')"))
    images = await js("document.querySelectorAll('.output_png img').length")
    errors = await js("document.querySelectorAll('.output_error').length")
    print("images in outputs:", images)
    print("errors in outputs:", errors)
    await asyncio.sleep(1)
    r = await call("Page.captureScreenshot", format="png")
    open(out, "wb").write(base64.b64decode(r["data"]))
    print("screenshot:", out)
    if errors or not images:
        sys.exit(1)

asyncio.run(main(sys.argv[1]))
