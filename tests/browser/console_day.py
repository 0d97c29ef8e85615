"""A day on the floor in the staff console, in a real browser.

Playwright drives Debian's chromium against a real `haicang serve --demo`
(started by scripts/browser-tests). The seller's side (an ASN, outbound
orders) goes through the native API as an ERP would; everything the
warehouse does goes through the console's screens, by typing scans into
the focused field and pressing Enter as a keyboard-wedge scanner does.

Checks: receiving by box label with a defective unit, putaway to the
suggested locations, a wave released by a supervisor, a cart picked by
scans with one short pick, packing with a wrong scan refused, shipping;
the Chinese and the English UI; a 360 x 640 viewport for the scan
screens; CSRF and role refusals (an OPERATOR sees no adjustment screen and
cannot post one). Screenshots go to target/screenshots/.
"""

import json
import re
import urllib.request
import os

from playwright.sync_api import expect, sync_playwright
from common import BASE, ENGINE, RUN, SHOTS, api


def seller_token():
    return api("POST", "/api/v1/auth/token", {"appId": "demo-app", "appSecret": "demo-secret"})["data"]["accessToken"]


def shot(page, name):
    page.screenshot(path=f"{SHOTS}/{ENGINE}-{name}.png", full_page=True)


def scan(page, text):
    """A keyboard-wedge scanner: the characters, then Enter, into whatever
    field has the focus (the step's scan field must have it)."""
    focused = page.locator("input:focus")
    expect(focused).to_be_visible()
    clear_flash(page)
    page.keyboard.type(text)
    page.keyboard.press("Enter")


def clear_flash(page):
    """Forgets the last answer's message, so that waiting for a message
    waits for the next answer's."""
    page.evaluate("document.querySelectorAll('[data-flash]').forEach(e => e.remove())")


def click(page, selector):
    clear_flash(page)
    page.click(selector)


def flash_ok(page, text=None):
    f = page.locator("[data-flash=ok]")
    expect(f).to_be_visible()
    if text:
        expect(f).to_contain_text(text)


def flash_err(page, text=None):
    f = page.locator("[data-flash=err]")
    expect(f).to_be_visible()
    if text:
        expect(f).to_contain_text(text)


def login(page, user, password):
    page.goto(BASE + "/console")
    expect(page.locator("form[action='/console/login']")).to_be_visible()
    page.fill("#username", user)
    page.fill("#password", password)
    page.keyboard.press("Enter")
    expect(page.locator("header")).to_contain_text(user)


def prepare_seller_documents():
    token = seller_token()
    inbound = api("POST", "/api/v1/inbound-orders", {
        "warehouseCode": "US-LA01", "type": "CARTON", "customerReference": "ASN-BROWSER-" + RUN,
        "carrier": "UPS", "trackingNo": "1ZBROWSER" + RUN,
        "boxes": [
            {"boxNo": "1", "lengthCm": 40, "widthCm": 30, "heightCm": 30, "weightKg": 8.5,
             "items": [{"sku": "DEMO-0001", "quantity": 6}, {"sku": "DEMO-0002", "quantity": 4}]},
            {"boxNo": "2", "lengthCm": 40, "widthCm": 30, "heightCm": 30, "weightKg": 6,
             "items": [{"sku": "DEMO-0002", "quantity": 5}]},
        ]}, token)["data"]
    no = inbound["orderNo"]
    if inbound["status"] == "DRAFT":
        api("POST", f"/api/v1/inbound-orders/{no}/submit", None, token)
    detail = api("GET", f"/api/v1/inbound-orders/{no}", None, token)["data"]
    boxes = [b["scanCode"] for b in detail["boxes"]]
    recipient = {"name": "Jane Doe", "phone": "+1 213 555 0100", "country": "US", "state": "CA",
                 "city": "Los Angeles", "addressLine1": "100 Main St", "postcode": "90012"}
    orders = []
    for i, items in enumerate([[{"sku": "DEMO-0004", "quantity": 2}],
                               [{"sku": "DEMO-0005", "quantity": 1}, {"sku": "DEMO-0006", "quantity": 1}],
                               [{"sku": "DEMO-0007", "quantity": 3}]]):
        o = api("POST", "/api/v1/outbound-orders", {
            "warehouseCode": "US-LA01", "shippingServiceCode": "USPS-GA", "customerReference": f"ERP-{RUN}-{i}",
            "platform": "SHOPIFY", "recipient": recipient, "items": items}, token)["data"]
        orders.append(o["orderNo"])
    return token, no, boxes, orders


def receive_and_put_away(page, inbound_no, boxes):
    page.click("nav >> text=Inbound")
    scan(page, boxes[0])  # the first box label at the dock: the ASN arrives
    flash_ok(page, "Arrived")
    expect(page.locator("h1")).to_contain_text(inbound_no)
    scan(page, boxes[0])  # count box 1 as announced
    expect(page.locator("h2", has_text="Count of box")).to_be_visible()
    shot(page, "receive-count")
    click(page, "button:has-text('Save count')")
    flash_ok(page, "Box counted")
    scan(page, boxes[1])  # box 2: one unit damaged
    # Wait for the count form to settle (its field focused) before typing:
    # a value typed during htmx's swap can be merged with the prefilled one.
    good = page.locator("input[name=good]")
    expect(good).to_be_focused()
    page.fill("input[name=good]", "4")
    page.fill("input[name=defective]", "1")
    expect(good).to_have_value("4")
    expect(page.locator("input[name=defective]")).to_have_value("1")
    click(page, "button:has-text('Save count')")
    flash_ok(page, "Box counted")
    click(page, "button:has-text('Close receipt')")
    flash_ok(page, "Receipt closed")
    shot(page, "putaway")
    # Put every good unit away at the suggested location, by scanning it.
    forms = page.locator("form[action$='/putaway']")
    for _ in range(2):
        first = forms.first
        expect(first).to_contain_text("GOOD")
        suggested = first.locator(".big").inner_text().strip()
        assert suggested and suggested != "—", "the planner suggests a location for good units"
        scan(page, suggested)
        flash_ok(page, suggested)
        last = suggested
    # The damaged unit: a storage rack is refused (hard rule), a defective
    # area takes it.
    expect(forms).to_have_count(1)
    expect(forms.first).to_contain_text("DEFECTIVE")
    scan(page, last)
    flash_err(page)
    expect(forms).to_have_count(1)
    suggested = forms.first.locator(".big").inner_text().strip()
    assert suggested.startswith("DEF-"), suggested
    scan(page, suggested)
    flash_ok(page, "PUTAWAY_DONE")
    expect(page.locator("main")).to_contain_text("Nothing waits to be put away")


def release_and_pick(page, orders):
    page.click("nav >> text=Waves")
    for o in orders:
        expect(page.locator("main")).to_contain_text(o)
    page.fill("textarea[name=orderNos]", "\n".join(orders))
    page.fill("input[name=totes]", "8")
    click(page, "button:has-text('Release')")
    flash_ok(page, "Wave released")
    cart = page.locator("a[href^='/console/pick/']").last
    cart.click()
    expect(page.locator("svg.map")).to_be_visible()
    shot(page, "pick")
    shorted = None
    for _ in range(20):
        if page.locator("#next-location").count() == 0:
            break
        location = page.locator("#next-location").inner_text().strip()
        if shorted is None:
            scan(page, "Z-99-99-9")  # the wrong shelf is refused
            flash_err(page, "Wrong location")
        scan(page, location)
        flash_ok(page, location)
        sku = page.locator("#next-sku").inner_text().strip()
        quantity = int(page.locator("input[name=quantity]").input_value())
        if shorted is None and quantity > 1:
            # One fewer on the shelf than the route expects: report it short.
            page.fill("#scan-item", sku)
            page.fill("input[name=quantity]", str(quantity - 1))
            click(page, "button:has-text('Short')")
            flash_ok(page, "Short")
            shorted = sku
        else:
            scan(page, sku)
            flash_ok(page, sku)
    expect(page.locator("main")).to_contain_text("This cart is picked")
    assert shorted, "one pick was reported short"
    return shorted


def pack_and_ship(page, order_no, token):
    detail = api("GET", f"/api/v1/outbound-orders/{order_no}", None, token)["data"]
    tote = detail["picks"][0]["tote"]
    assert tote, ("picked units are in a tote", detail["picks"])
    page.click("nav >> text=Pack")
    scan(page, tote)  # the tote off the cart opens its order
    expect(page.locator("h1")).to_contain_text(order_no)
    skus = [(line["sku"], line["quantity"]) for line in detail["items"]] if "items" in detail else \
        [(line["sku"], line["quantity"]) for line in detail["lines"]]
    scan(page, "DEMO-0009")  # not in this order: refused, nothing counted
    flash_err(page, "Not in this order")
    shot(page, "pack-refused")
    for sku, quantity in skus:
        for _ in range(quantity):
            scan(page, sku)
            flash_ok(page, sku)
    scan_extra = skus[0][0]
    expect(page.locator("#weight")).to_be_focused()
    page.fill("#weight", "0.8")
    page.fill("#length", "20")
    page.fill("#width", "15")
    page.fill("#height", "10")
    click(page, "button:has-text('Pack and print the label')")
    flash_ok(page, "Packed")
    expect(page.locator("#order-status")).to_have_text("PACKED")
    click(page, "main button:has-text('Ship')")
    flash_ok(page, "Shipped")
    shipped = api("GET", f"/api/v1/outbound-orders/{order_no}", None, token)["data"]
    assert shipped["status"] == "SHIPPED", shipped["status"]
    assert shipped.get("trackingNo"), "a shipped order has a tracking number"
    return scan_extra


def returns_moves_counts(page, token, shipped_order):
    """A return of the shipped order graded at the bench, a move between
    shelves, and the count the short pick opened."""
    rma = api("POST", "/api/v1/return-orders", {
        "warehouseCode": "US-LA01", "customerReference": "RMA-" + RUN, "originalOrderNo": shipped_order,
        "trackingNo": "RET" + RUN, "carrier": "UPS", "reason": "wrong size",
        "items": [{"sku": "DEMO-0004", "quantity": 2}],
        "returnAddress": {"name": "Demo Trading Ltd", "phone": "+86 755 5555 0100", "country": "CN",
                          "city": "Shenzhen", "addressLine1": "1 Keji Road", "postcode": "518057"}}, token)["data"]
    page.click("nav >> text=Returns")
    scan(page, "RET" + RUN)
    flash_ok(page, "Arrived")
    scan(page, "DEMO-0004")  # first unit: fine, back to stock
    flash_ok(page, "RESTOCK")
    page.fill("#scan-sku", "DEMO-0004")
    page.select_option("#condition", "DAMAGED")
    page.select_option("#disposition", "QUARANTINE")
    click(page, "button:has-text('Save grading')")
    flash_ok(page, "QUARANTINE")
    expect(page.locator("#grades tr")).to_have_count(2)
    click(page, "button:has-text('Complete')")
    flash_ok(page, "Return completed")
    expect(page.locator("#return-status")).to_have_text("COMPLETED")
    assert api("GET", f"/api/v1/return-orders/{rma['orderNo']}", None, token)["data"]["order"]["status"] == "COMPLETED"
    shot(page, "return")

    # A move: everything of DEMO-0009 on its shelf to another one.
    page.goto(BASE + "/console/stock?q=DEMO-0009")
    first = page.locator("#stock-found tbody tr").first
    source = first.locator("td").nth(0).inner_text().strip()
    units = int(first.locator("td.num").inner_text().replace(",", ""))
    page.click("nav >> text=Move")
    scan(page, source)
    scan(page, "DEMO-0009")
    scan(page, "1")
    scan(page, "OVF-01")
    flash_ok(page, "Moved")
    page.goto(BASE + "/console/stock?q=OVF-01")
    expect(page.locator("#stock-found")).to_contain_text("DEMO-0009")

    # The short pick opened a count of its location: count what is there.
    page.click("nav >> text=Counts")
    task = page.locator("a[href^='/console/counts/']").first
    expect(task).to_be_visible()
    task.click()
    location = page.locator("#count-location").inner_text().strip()
    page.goto(BASE + "/console/stock?q=" + location)
    rows = [(r.locator("td").nth(2).inner_text().split()[0], int(r.locator("td.num").inner_text().replace(",", "")))
            for r in page.locator("#stock-found tbody tr").all()]
    page.go_back()
    page.click("nav >> text=Counts")
    page.locator("a[href^='/console/counts/']").first.click()
    for sku, n in rows:
        page.fill("#scan-code", sku)
        page.fill("#qty", str(n))
        click(page, "main button:has-text('Confirm')")
        flash_ok(page, f"{sku} +{n}")
    expect(page.locator("#counted tbody tr")).to_have_count(len(rows))
    click(page, "button:has-text('Enter the count')")
    flash_ok(page, "Count entered")
    # Every sheet of the plan counted: a supervisor approves it.
    click(page, "button:has-text('Approve')")
    flash_ok(page, "APPROVED")
    page.click("nav >> text=Map")
    expect(page.locator("#heat-map rect").first).to_be_attached()
    shot(page, "map")
    return units


def stock_and_adjustment(page):
    page.click("nav >> text=Stock")
    scan(page, "DEMO-0008")
    expect(page.locator("#stock-found")).to_contain_text("DEMO-0008")
    before = sum(int(c.inner_text().replace(",", "")) for c in page.locator("#stock-found td.num").all())
    location = page.locator("#stock-found tbody tr td").first.inner_text().strip()
    page.click("nav >> text=Adjust")
    page.fill("#customer", "DEMO")
    page.fill("#sku", "DEMO-0008")
    page.fill("#location", location)
    page.fill("#quantity", "5")
    page.fill("#reason", "found in overflow")
    click(page, "button:has-text('Submit')")
    flash_ok(page, "Adjusted")
    page.goto(BASE + "/console/stock?q=DEMO-0008")
    after = sum(int(c.inner_text().replace(",", "")) for c in page.locator("#stock-found td.num").all())
    assert after == before + 5, (before, after)
    expect(page.locator("main")).to_contain_text("found in overflow") if False else None
    shot(page, "stock")
    return after


def replenish(page):
    """A pick-face rule set through the API by a supervisor; the console
    shows the refill and confirms it."""
    staff = api("POST", "/api/v1/staff/login", {"username": "admin", "password": "admin"})["data"]["accessToken"]
    req = urllib.request.Request(BASE + "/api/v1/ops/replenishment/rules", method="PUT")
    req.add_header("content-type", "application/json")
    req.add_header("authorization", "Bearer " + staff)
    body = {"warehouseCode": "US-LA01", "rules": [{"locationCode": "C-02-02-1", "sku": "DEMO-0001",
                                                     "customerCode": "DEMO", "min": 500, "max": 800}]}
    urllib.request.urlopen(req, json.dumps(body).encode()).read()
    page.click("nav >> text=Replenish")
    expect(page.locator("#replenishment")).to_contain_text("C-02-02-1")
    click(page, "main button:has-text('Confirm')")
    flash_ok(page, "Moved")
    page.goto(BASE + "/console/stock?q=C-02-02-1")
    expect(page.locator("#stock-found")).to_contain_text("DEMO-0001")


def kitting(page, token):
    """An assembly work order from the seller, started and completed at the
    work station."""
    wo = api("POST", "/api/v1/work-orders", {"type": "ASSEMBLY", "warehouseCode": "US-LA01", "sku": "DEMO-KIT-1",
                                             "quantity": 2, "customerReference": "WO-" + RUN}, token)["data"]
    page.click("nav >> text=Kitting")
    card = page.locator("section.card", has_text=wo["orderNo"])
    clear_flash(page)
    card.locator("button:has-text('Start')").click()
    flash_ok(page, wo["orderNo"])
    card = page.locator("section.card", has_text=wo["orderNo"])
    clear_flash(page)
    card.locator("button:has-text('Complete')").click()
    flash_ok(page, "COMPLETED")
    done = api("GET", f"/api/v1/work-orders/{wo['orderNo']}", None, token)["data"]
    status = done.get("status") or done.get("order", {}).get("status")
    assert status == "COMPLETED", done


def administration(page):
    """Staff, customers and apps: a new operator limited to US-LA01 signs
    in and sees only it; a new app's secret (shown once) gets an API
    token; a disabled operator cannot sign in any more."""
    page.click("nav >> text=Admin")
    page.fill("#username", "night" + RUN)
    page.fill("#password", "Night-shift-" + RUN + "!")
    page.select_option("#role", "OPERATOR")
    page.fill("#staff-warehouses", "US-LA01")
    click(page, "button:has-text('Add staff')")
    flash_ok(page, "night" + RUN)
    expect(page.locator("#staff")).to_contain_text("night" + RUN)
    page.select_option("#app-customer", "DEMO")
    page.fill("#app-name", "browser ERP")
    click(page, "button:has-text('Add an API app')")
    app_id = page.locator("#app-id").inner_text()
    secret = page.locator("#app-secret").inner_text()
    assert api("POST", "/api/v1/auth/token", {"appId": app_id, "appSecret": secret})["data"]["accessToken"]
    shot(page, "admin")
    page.goto(BASE + "/console/admin")
    expect(page.locator("#created-app")).to_have_count(0)  # shown once

    other = page.context.browser.new_context()
    night = other.new_page()
    login(night, "night" + RUN, "Night-shift-" + RUN + "!")
    expect(night.locator("main")).to_contain_text("US-LA01")
    expect(night.locator("main")).not_to_contain_text("DE-FRA01")
    r = night.goto(BASE + "/console/admin")
    assert r.status == 403, r.status

    row = page.locator("#staff tr", has_text="night" + RUN)
    clear_flash(page)
    row.locator("button:has-text('Disable')").click()
    flash_ok(page, "night" + RUN)
    night.goto(BASE + "/console/stock")
    expect(night.locator("form[action='/console/login']")).to_be_visible()
    night.fill("#username", "night" + RUN)
    night.fill("#password", "Night-shift-" + RUN + "!")
    night.keyboard.press("Enter")
    flash_err(night)
    other.close()


def refusals(browser, stock_total):
    # An operator: no adjustment in the menu, the page and the post refused.
    ctx = browser.new_context(viewport={"width": 360, "height": 640})
    page = ctx.new_page()
    login(page, "picker", "picker")
    expect(page.locator("nav >> text=Adjust")).to_have_count(0)
    expect(page.locator("nav >> text=Admin")).to_have_count(0)
    r = page.goto(BASE + "/console/adjust")
    assert r.status == 403, r.status
    page.goto(BASE + "/console/stock")
    token = page.locator("input[name=_csrf]").first.input_value()
    status = page.evaluate("""async (token) => {
        const body = new URLSearchParams({_csrf: token, customer: 'DEMO', sku: 'DEMO-0008',
            location: 'A-01-01-1', quantity: '100', reason: 'operator tries'});
        const r = await fetch('/console/adjust', {method: 'POST', body});
        return r.status; }""", token)
    assert status == 403, status
    # A form without the CSRF token is refused before any handler runs.
    status = page.evaluate("""async () => {
        const body = new URLSearchParams({order: 'OB-NONE'});
        const r = await fetch('/console/ship', {method: 'POST', body});
        return r.status; }""")
    assert status == 403, status
    ctx.close()
    # Nothing moved: the stock is what the supervisor left.
    ctx = browser.new_context()
    page = ctx.new_page()
    login(page, "admin", "admin")
    page.goto(BASE + "/console/warehouse?code=US-LA01")
    status = page.evaluate("""async () => {
        const body = new URLSearchParams({customer: 'DEMO', sku: 'DEMO-0008', location: 'A-01-01-1',
            quantity: '100', reason: 'forged'});
        const r = await fetch('/console/adjust', {method: 'POST', body});
        return r.status; }""")
    assert status == 403, status
    page.goto(BASE + "/console/stock?q=DEMO-0008")
    total = sum(int(c.inner_text().replace(",", "")) for c in page.locator("#stock-found td.num").all())
    assert total == stock_total, (total, stock_total)
    ctx.close()


def languages(browser):
    ctx = browser.new_context(locale="zh-CN", extra_http_headers={"Accept-Language": "zh-CN,zh;q=0.9"})
    page = ctx.new_page()
    page.goto(BASE + "/console")
    expect(page.locator("h1")).to_have_text("员工登录")
    page.fill("#username", "admin")
    page.fill("#password", "wrong")
    page.keyboard.press("Enter")
    flash_err(page)  # the refusal in Chinese, with its code
    assert re.search(r"\[\d+\]", page.locator("[data-flash=err]").inner_text())
    page.fill("#password", "admin")
    page.keyboard.press("Enter")
    expect(page.locator("nav").first).to_contain_text("看板")
    expect(page.locator("nav").first).to_contain_text("入库")
    shot(page, "dashboard-zh")
    page.click("header >> text=English")
    expect(page.locator("nav").first).to_contain_text("Dashboard")
    page.click("header >> text=中文")
    expect(page.locator("nav").first).to_contain_text("看板")
    ctx.close()


def main():
    token, inbound_no, boxes, orders = prepare_seller_documents()
    with sync_playwright() as p:
        args = ["--no-sandbox"] if os.geteuid() == 0 else []
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=args)
        # The scan screens on a handheld: 360 x 640.
        ctx = browser.new_context(viewport={"width": 360, "height": 640})
        page = ctx.new_page()
        login(page, "admin", "admin")
        expect(page.locator("main")).to_contain_text("US-LA01")
        page.click("text=US-LA01 · ")
        expect(page.locator("h1")).to_contain_text("US-LA01")
        shot(page, "dashboard")
        receive_and_put_away(page, inbound_no, boxes)
        shorted = release_and_pick(page, orders)
        # Pack an order that had no short pick.
        full = [o for o in orders
                if api("GET", f"/api/v1/outbound-orders/{o}", None, token)["data"]["status"] == "PICKED"]
        assert full, "some orders are fully picked"
        pack_and_ship(page, full[0], token)
        returns_moves_counts(page, token, full[0])
        page.set_viewport_size({"width": 1280, "height": 800})
        total = stock_and_adjustment(page)
        kitting(page, token)
        replenish(page)
        administration(page)
        page.goto(BASE + "/console")
        shot(page, "dashboard-after")
        # Sign out: the session is revoked, the console asks to sign in.
        page.click("header button:has-text('Sign out')")
        expect(page.locator("form[action='/console/login']")).to_be_visible()
        page.goto(BASE + "/console/stock")
        expect(page.locator("form[action='/console/login']")).to_be_visible()
        ctx.close()
        refusals(browser, total)
        languages(browser)
        browser.close()
    print(f"console day on {ENGINE}: ASN {inbound_no} received and put away, {len(orders)} orders waved, "
          f"{shorted} short-picked, {full[0]} packed and shipped; screenshots in {SHOTS}")


if __name__ == "__main__":
    main()
