"""The seller portal and the API reference, in a real browser.

Against a real `haicang serve --demo` (scripts/browser-tests): the demo
seller signs in, sees its stock, exports it as CSV and reads it back,
imports a product CSV with one bad row (the row is named and nothing is
imported), then the corrected file (everything is), signs out; the zh UI;
the Swagger UI at /api/docs renders the server's own document without a
single request leaving the server.
"""

import csv
import io
import os

from playwright.sync_api import expect, sync_playwright
from common import BASE, ENGINE, RUN, SHOTS, api


def staff_ships(order_no):
    """The warehouse's side, through the API: wave, pick, pack, ship."""
    t = api("POST", "/api/v1/staff/login", {"username": "admin", "password": "admin"})["data"]["accessToken"]
    wave = api("POST", "/api/v1/ops/waves", {"warehouseCode": "US-LA01", "orderNos": [order_no]}, t)["data"]
    cart = wave["batches"][0]
    for stop in cart["route"]:
        api("POST", f"/api/v1/ops/pick-batches/{cart['batchId']}/picks",
            {"locationCode": stop["locationCode"], "sku": stop["sku"], "quantity": stop["quantity"]}, t)
    items = {}
    for stop in cart["route"]:
        items[stop["sku"]] = items.get(stop["sku"], 0) + stop["quantity"]
    api("POST", "/api/v1/ops/pack", {"orderNo": order_no, "items": [{"sku": k, "quantity": v} for k, v in items.items()],
                                      "weightKg": "0.5", "lengthCm": "20", "widthCm": "15", "heightCm": "10"}, t)
    api("POST", "/api/v1/ops/ship", {"orderNo": order_no}, t)


def sign_in(page):
    page.goto(BASE + "/portal")
    expect(page.locator("form[action='/portal/login']")).to_be_visible()
    page.fill("#email", "demo@haicang.test")
    page.fill("#password", "demo")
    page.keyboard.press("Enter")
    expect(page.locator("header")).to_contain_text("demo@haicang.test")


def upload(page, name, text):
    page.set_input_files("#file", files=[{"name": name, "mimeType": "text/csv", "buffer": text.encode()}])
    page.click("button:has-text('Import')")


def main():
    with sync_playwright() as p:
        args = ["--no-sandbox"] if os.geteuid() == 0 else []
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=args)
        ctx = browser.new_context(accept_downloads=True)
        page = ctx.new_page()

        # A wrong password is refused with the catalogue's code.
        page.goto(BASE + "/portal/login")
        page.fill("#email", "demo@haicang.test")
        page.fill("#password", "not-it")
        page.keyboard.press("Enter")
        expect(page.locator("[data-flash=err]")).to_contain_text("[")

        sign_in(page)
        expect(page.locator("#stock")).to_contain_text("DEMO-0001")
        page.screenshot(path=f"{SHOTS}/{ENGINE}-portal-stock.png", full_page=True)
        with page.expect_download() as d:
            page.click("text=Export CSV")
        rows = list(csv.DictReader(io.StringIO(open(d.value.path(), encoding="utf-8").read())))
        assert any(r["sku"] == "DEMO-0001" and r["warehouseCode"] == "US-LA01" for r in rows), rows[:3]
        assert all(int(r["available"]) == int(r["onHand"]) - int(r["reserved"]) for r in rows)

        # The same stock as XLSX, read back with openpyxl: numbers are numbers.
        import openpyxl
        with page.expect_download() as d:
            page.click("text=Export XLSX")
        sheet = openpyxl.load_workbook(io.BytesIO(open(d.value.path(), "rb").read())).active
        header = [c.value for c in sheet[1]]
        assert header[:2] == ["warehouseCode", "sku"], header
        cells = {(r[0], r[1], r[3]): r for r in sheet.iter_rows(min_row=2, values_only=True)}
        for r in rows:
            x = cells[(r["warehouseCode"], r["sku"], r["condition"])]
            assert (x[4], x[6]) == (int(r["onHand"]), int(r["available"])), (x, r)

        # One SKU's lots and movements.
        page.goto(BASE + "/portal/stock?sku=DEMO-0001")
        page.click("#stock >> text=DEMO-0001")
        expect(page.locator("#lots tbody tr").first).to_be_visible()
        expect(page.locator("#movements tbody tr").first).to_be_visible()
        page.goto(BASE + "/portal/stock/SKU123456")  # serial-managed: its serials in stock
        expect(page.locator("#serials")).to_contain_text("SN001234567890")

        # A product by hand, then edited; the catalogue exported in the
        # template's columns.
        page.goto(BASE + "/portal/products/new")
        page.fill("#sku", f"FORM-{RUN}")
        page.fill("#name", "Hand-made mug")
        page.fill("#barcode", f"66{RUN}001")
        for field, value in [("#lengthCm", "10"), ("#widthCm", "8"), ("#heightCm", "12"), ("#weightKg", "0.4")]:
            page.fill(field, value)
        page.click("main button:has-text('Submit')")
        expect(page.locator("[data-flash=ok]")).to_contain_text(f"FORM-{RUN}")
        page.click(f"#products >> text=FORM-{RUN}")
        expect(page.locator("#weightKg")).to_have_value("0.4")
        page.fill("#name", "Hand-made mug, blue")
        page.click("main button:has-text('Submit')")
        expect(page.locator("#products")).to_contain_text("Hand-made mug, blue")
        with page.expect_download() as d:
            page.click("text=Export CSV")
        exported = list(csv.reader(io.StringIO(open(d.value.path(), encoding="utf-8").read())))
        assert exported[0] == ["sku", "name", "barcode", "lengthCm", "widthCm", "heightCm", "weightKg", "battery"], exported[0]
        assert [f"FORM-{RUN}", "Hand-made mug, blue", f"66{RUN}001", "10", "8", "12", "0.4", "no"] in exported

        # An import with one bad row: that row is named, nothing is imported.
        page.goto(BASE + "/portal/products")
        before = page.locator("#products tbody tr").count()
        header = "sku,name,barcode,lengthCm,widthCm,heightCm,weightKg,battery\n"
        good = [f"IMP-{RUN}-{i},Imported mug {i},69{RUN}{i:03d},10,8,12,0.4,no\n" for i in range(3)]
        bad = f"IMP-{RUN}-X,Bad mug,69{RUN}999,10,8,12,0.4,maybe\n"
        upload(page, "products.csv", header + good[0] + bad + good[1] + good[2])
        expect(page.locator("#import-errors")).to_contain_text("3")  # the bad row is line 3
        expect(page.locator("#import-errors")).to_contain_text("battery")
        page.goto(BASE + "/portal/products")
        expect(page.locator("#products tbody tr")).to_have_count(before)  # nothing half-imported
        expect(page.locator("#products")).not_to_contain_text(f"IMP-{RUN}-0")
        # A row the database refuses (a barcode already taken) also stops it all.
        upload(page, "products.csv", header + good[0] + f"IMP-{RUN}-Y,Dup,69{RUN}000,10,8,12,0.4,no\n")
        expect(page.locator("#import-errors")).to_contain_text("3")
        page.goto(BASE + "/portal/products")
        expect(page.locator("#products")).not_to_contain_text(f"IMP-{RUN}-0")
        upload(page, "products.csv", header + "".join(good))
        expect(page.locator("[data-flash=ok]")).to_contain_text("3")
        for i in range(3):
            expect(page.locator("#products")).to_contain_text(f"IMP-{RUN}-{i}")
        # A spreadsheet import (XLSX, as an ERP or Excel writes it).
        book = openpyxl.Workbook()
        ws = book.active
        ws.append(["sku", "name", "barcode", "lengthCm", "widthCm", "heightCm", "weightKg", "battery"])
        ws.append([f"XLS-{RUN}-1", "Spreadsheet mug", f"68{RUN}001", 10, 8, 12, 0.4, "no"])
        ws.append([f"XLS-{RUN}-2", "Spreadsheet cup", f"68{RUN}002", 9, 9, 10, 0.3, "no"])
        buf = io.BytesIO()
        book.save(buf)
        page.set_input_files("#file", files=[{"name": "products.xlsx", "buffer": buf.getvalue(),
                                              "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}])
        page.click("button:has-text('Import')")
        expect(page.locator("[data-flash=ok]")).to_contain_text("2")
        expect(page.locator("#products")).to_contain_text(f"XLS-{RUN}-2")
        with page.expect_download() as d:
            page.click("text=Download the template")
        assert open(d.value.path(), encoding="utf-8").readline().startswith("sku,name,barcode")

        # An inbound order with two boxes; its labels.
        page.click("nav >> text=Inbound orders")
        expect(page.locator("#inbound")).to_be_visible()
        page.select_option("#warehouse", "US-LA01")
        page.fill("#reference", "ASN-PORTAL-" + RUN)
        page.fill("#boxes", "1 DEMO-0001 10\n1 DEMO-0002 5\n2 DEMO-0003 8")
        for field, value in [("#lengthCm", "40"), ("#widthCm", "30"), ("#heightCm", "30"), ("#weightKg", "8")]:
            page.fill(field, value)
        page.click("main button:has-text('Create')")
        expect(page.locator("[data-flash=ok]")).to_contain_text("Created")
        row = page.locator("#inbound tr", has_text="ASN-PORTAL-" + RUN)
        expect(row).to_contain_text("2")
        with page.expect_download() as d:
            row.locator("text=Box labels").click()
        assert open(d.value.path(), "rb").read(5) == b"%PDF-"
        # Inbound orders from a file: one good (two boxes), one refused.
        page.goto(BASE + "/portal/inbound")
        asn = ("reference,warehouseCode,boxNo,sku,quantity,lengthCm,widthCm,heightCm,weightKg\n"
               f"UP1-{RUN},US-LA01,1,DEMO-0001,6,40,30,30,8\n"
               f"UP1-{RUN},US-LA01,1,DEMO-0002,2,40,30,30,8\n"
               f"UP1-{RUN},US-LA01,2,DEMO-0003,5,40,30,30,6\n"
               f"UP2-{RUN},US-LA01,1,NO-SUCH-SKU,1,40,30,30,6\n")
        page.set_input_files("#file", files=[{"name": "asn.csv", "mimeType": "text/csv", "buffer": asn.encode()}])
        page.click("button:has-text('Import')")
        results = page.locator("#bulk-results tbody tr")
        expect(results).to_have_count(2)
        expect(results.nth(0)).to_contain_text("IB")
        expect(results.nth(1)).to_contain_text("NO-SUCH-SKU")
        page.goto(BASE + "/portal/inbound")
        expect(page.locator("#inbound tr", has_text=f"UP1-{RUN}")).to_contain_text("13")  # units

        # The console's day received its ASN (reference ASN-BROWSER-…) with
        # one damaged unit: the seller sees it counted, put away, and no
        # unit missing. (Document numbers carry the day: never written here.)
        page.locator("#inbound tr", has_text="ASN-BROWSER-").locator("a").first.click()
        expect(page.locator("#inbound-status")).to_have_text("PUTAWAY_DONE")
        expect(page.locator("#progress")).to_contain_text("DEMO-0002")

        # An outbound order; the warehouse ships it; the seller sees it
        # shipped with its tracking number. Another one is cancelled.
        page.click("nav >> text=Outbound orders")
        expect(page.locator("#outbound")).to_be_visible()
        def new_order(ref, items):
            page.select_option("#warehouse", "US-LA01")
            page.fill("#service", "USPS-GA")
            page.fill("#reference", ref)
            for field, value in [("#name", "Jane Doe"), ("#country", "US"), ("#state", "CA"), ("#city", "Los Angeles"),
                                 ("#postcode", "90012"), ("#address", "100 Main St")]:
                page.fill(field, value)
            page.fill("#items", items)
            page.evaluate("document.querySelectorAll('[data-flash]').forEach(e => e.remove())")
            page.click("main button:has-text('Create')")
            expect(page.locator("[data-flash=ok]")).to_contain_text("Created")
            return page.locator("[data-flash=ok]").inner_text().split("·")[1].strip()
        # A bulk file: two orders (one of two lines) and one refused (an
        # unknown SKU), answered row by row; the same file again creates
        # nothing twice.
        bulk = ("reference,warehouseCode,serviceCode,platform,name,phone,country,state,city,address,postcode,sku,quantity\n"
                f"B1-{RUN},US-LA01,USPS-GA,SHOPIFY,Ann Lee,,US,CA,Los Angeles,1 First St,90012,DEMO-0008,1\n"
                f"B1-{RUN},US-LA01,USPS-GA,SHOPIFY,Ann Lee,,US,CA,Los Angeles,1 First St,90012,DEMO-0009,2\n"
                f"B2-{RUN},US-LA01,USPS-GA,EBAY,Bo Chen,,US,NY,New York,2 Second Ave,10001,NO-SUCH-SKU,1\n"
                f"B3-{RUN},US-LA01,USPS-GA,TEMU,Cy Diaz,,US,TX,Austin,3 Third Rd,73301,DEMO-0008,1\n")
        first = None
        for attempt in range(2):
            page.set_input_files("#file", files=[{"name": "orders.csv", "mimeType": "text/csv", "buffer": bulk.encode()}])
            page.click("button:has-text('Import')")
            results = page.locator("#bulk-results tbody tr")
            expect(results).to_have_count(3)
            expect(results.nth(1)).to_contain_text("NO-SUCH-SKU")  # the unknown SKU's row, line 4
            expect(results.nth(1)).to_contain_text("4")
            numbers = [results.nth(i).locator("td").nth(2).inner_text() for i in (0, 2)]
            assert all(n.startswith("OB") for n in numbers), numbers
            if first is None:
                first = numbers
            else:
                assert numbers == first, (first, numbers)  # idempotent by reference
            page.goto(BASE + "/portal/outbound")
        shipped_no = new_order("ERP-PORTAL-" + RUN, "DEMO-0005 1")
        cancelled_no = new_order("ERP-PORTAL-C" + RUN, "DEMO-0006 2")
        row = page.locator("#outbound tr", has_text=cancelled_no)
        page.evaluate("document.querySelectorAll('[data-flash]').forEach(e => e.remove())")
        row.locator("button:has-text('Cancel')").click()
        expect(page.locator("[data-flash=ok]")).to_contain_text("CANCELLED")
        staff_ships(shipped_no)
        page.goto(BASE + "/portal/outbound?status=SHIPPED")
        row = page.locator("#outbound tr", has_text=shipped_no)
        expect(row).to_contain_text("SHIPPED")
        tracking = row.locator("td").nth(4).inner_text().strip()
        assert tracking, "a shipped order shows its tracking number"
        page.screenshot(path=f"{SHOTS}/{ENGINE}-portal-orders.png", full_page=True)

        # Another seller: its own product, none of DEMO's; DEMO never sees its.
        other_ctx = browser.new_context()
        other = other_ctx.new_page()
        other.goto(BASE + "/portal/login")
        other.fill("#email", "other@haicang.test")
        other.fill("#password", "Kx7!mQ2#vR9zLp")
        other.keyboard.press("Enter")
        expect(other.locator("header")).to_contain_text("OTHER")
        expect(other.locator("#stock")).not_to_contain_text("DEMO-0001")
        other.goto(BASE + "/portal/products")
        other.set_input_files("#file", files=[{"name": "p.csv", "mimeType": "text/csv", "buffer":
            (header + f"OTHER-{RUN},Other mug,67{RUN}001,10,8,12,0.4,no\n").encode()}])
        other.click("button:has-text('Import')")
        expect(other.locator("[data-flash=ok]")).to_contain_text("1")
        expect(other.locator("#products")).not_to_contain_text("DEMO-0001")
        other.goto(BASE + "/portal/outbound")
        expect(other.locator("#outbound")).not_to_contain_text(shipped_no)
        other_ctx.close()
        page.goto(BASE + "/portal/products")
        expect(page.locator("#products")).not_to_contain_text(f"OTHER-{RUN}")

        # The dashboard, the bills, a new portal user (by the OWNER) who
        # signs in as STAFF.
        page.click("nav >> text=Dashboard")
        expect(page.locator("#units-by-warehouse")).to_contain_text("US-LA01")
        expect(page.locator("#stock-value")).to_contain_text("USD")
        assert int(page.locator("#orders-today").inner_text().replace(",", "")) >= 2
        page.click("nav >> text=Bills")
        expect(page.locator("main h1")).to_contain_text("Bills")
        page.click("nav >> text=Users")
        page.fill("#email", f"clerk{RUN}@demo.test")
        page.fill("#password", "Tq8#wLm2!pZr5v")
        page.select_option("#role", "STAFF")
        page.click("main button:has-text('Add a user')")
        expect(page.locator("#users")).to_contain_text(f"clerk{RUN}@demo.test")
        clerk_ctx = browser.new_context()
        clerk = clerk_ctx.new_page()
        clerk.goto(BASE + "/portal/login")
        clerk.fill("#email", f"clerk{RUN}@demo.test")
        clerk.fill("#password", "Tq8#wLm2!pZr5v")
        clerk.keyboard.press("Enter")
        expect(clerk.locator("header")).to_contain_text("STAFF")
        expect(clerk.locator("#stock")).to_contain_text("DEMO-0001")
        clerk.goto(BASE + "/portal/users")
        expect(clerk.locator("form[action='/portal/users']")).to_have_count(0)  # STAFF adds nobody
        clerk.goto(BASE + "/portal/integration")
        expect(clerk.locator("#apps button")).to_have_count(0)  # nor rotates secrets
        clerk_ctx.close()

        # A new app secret, shown once: the new one gets a token, the old
        # one no longer does.
        page.click("nav >> text=Integration")
        row = page.locator("#apps tr", has_text="demo-app")
        row.locator("button:has-text('New secret')").click()
        secret = page.locator("#app-secret").inner_text()
        assert api("POST", "/api/v1/auth/token", {"appId": "demo-app", "appSecret": secret})["data"]["accessToken"]
        try:
            api("POST", "/api/v1/auth/token", {"appId": "demo-app", "appSecret": "demo-secret"})
            raise RuntimeError("the old secret still works")
        except AssertionError as e:
            assert "401" in str(e), e
        page.goto(BASE + "/portal/integration")
        expect(page.locator("#new-secret")).to_have_count(0)

        # The seller's session is no staff session.
        r = page.goto(BASE + "/console")
        expect(page.locator("form[action='/console/login']")).to_be_visible()

        page.goto(BASE + "/portal/stock")
        page.click("header button:has-text('Sign out')")
        expect(page.locator("form[action='/portal/login']")).to_be_visible()
        page.goto(BASE + "/portal/stock")
        expect(page.locator("form[action='/portal/login']")).to_be_visible()
        ctx.close()

        # Chinese.
        ctx = browser.new_context(extra_http_headers={"Accept-Language": "zh-CN"})
        page = ctx.new_page()
        page.goto(BASE + "/portal/login")
        expect(page.locator("h1")).to_have_text("客户登录")
        page.fill("#email", "demo@haicang.test")
        page.fill("#password", "demo")
        page.keyboard.press("Enter")
        expect(page.locator("nav").first).to_contain_text("库存")
        expect(page.locator("#stock")).to_contain_text("DEMO-0001")
        page.screenshot(path=f"{SHOTS}/{ENGINE}-portal-stock-zh.png", full_page=True)
        page.click("header >> text=English")
        expect(page.locator("nav").first).to_contain_text("Stock")
        ctx.close()

        # The API reference: rendered from this server only.
        ctx = browser.new_context()
        page = ctx.new_page()
        seen = []
        page.on("request", lambda req: seen.append(req.url))
        page.goto(BASE + "/api/docs")
        expect(page.locator(".swagger-ui .info .title")).to_contain_text("haicang")
        expect(page.locator(".opblock").first).to_be_visible()
        page.screenshot(path=f"{SHOTS}/{ENGINE}-api-docs.png")
        outside = [u for u in seen if not (u.startswith(BASE) or u.startswith("data:"))]
        assert not outside, outside
        ctx.close()
        browser.close()
    print(f"portal on {ENGINE}: stock and its CSV, an import refused whole then accepted, an ASN with labels, "
          f"an order shipped with tracking and one cancelled, the API reference offline")


if __name__ == "__main__":
    main()
