"""The README's flows through a Python client generated from the served
OpenAPI document (openapi-python-client): if the document and the server
drift apart, parsing fails here. Usage: flows.py BASE_URL (the generated
package `client` importable)."""
import sys

from client import AuthenticatedClient, Client
from client.api.auth import issue_token, staff_login
from client.api.inbound import create_inbound_order
from client.api.inventory import list_inventory
from client.api.ops import (arrive_inbound_order, close_inbound_receipt, get_putaway_plan, list_locations,
                            receive_inbound_box, release_wave)
from client.api.outbound import create_outbound_order
from client.models import (BoxInput, ErrorEnvelope, InboundInput, ItemInput, LoginRequest, OutboundInput,
                           ReceiveInput, ReceiveLineInput, RecipientInput, TokenRequest, WaveInput)
from client.models.inbound_input_type import InboundInputType
from client.models.line_input import LineInput
from client.models.outbound_input_platform import OutboundInputPlatform
from client.models.list_locations_type import ListLocationsType

base = sys.argv[1]


def ok(answer, what):
    assert answer is not None and not isinstance(answer, ErrorEnvelope), f"{what}: {answer}"
    assert answer.code == 0 and answer.request_id, f"{what}: {answer}"
    return answer.data


anonymous = Client(base_url=base, raise_on_unexpected_status=True)
token = ok(issue_token.sync(client=anonymous, body=TokenRequest(app_id="demo-app", app_secret="demo-secret")), "token")
seller = AuthenticatedClient(base_url=base, token=token.access_token, raise_on_unexpected_status=True)
staff_token = ok(staff_login.sync(client=anonymous, body=LoginRequest(username="admin", password="admin")), "login")
staff = AuthenticatedClient(base_url=base, token=staff_token.access_token, raise_on_unexpected_status=True)

stock = ok(list_inventory.sync(client=seller, warehouse_code="US-LA01", sku="DEMO-0001"), "inventory")
assert stock.items[0].sku == "DEMO-0001" and stock.items[0].total >= 0, stock

box = BoxInput(length_cm=40, width_cm=30, height_cm=30, weight_kg=8, items=[ItemInput(sku="DEMO-0001", quantity=6)])
asn = InboundInput(warehouse_code="US-LA01", type_=InboundInputType.CARTON, customer_reference="CLIENT-ASN-1", boxes=[box])
created = ok(create_inbound_order.sync(client=seller, body=asn), "inbound create")
no = created.order_no
assert created.status == "SUBMITTED", created
assert ok(arrive_inbound_order.sync(code=no, client=staff), "arrive").status == "ARRIVED"
receipt = ReceiveInput(box_no="1", lines=[ReceiveLineInput(sku="DEMO-0001", good=6)])
ok(receive_inbound_box.sync(no=no, client=staff, body=receipt), "receive")
assert ok(close_inbound_receipt.sync(no=no, client=staff), "close").status == "RECEIVED"
plan = ok(get_putaway_plan.sync(no=no, client=staff), "putaway plan")
assert sum(item.quantity for item in plan.items) == 6, plan
locations = list_locations.sync(client=staff, warehouse_code="US-LA01", type_=ListLocationsType.STORAGE, page_size=1)
assert ok(locations, "locations").items[0].type_ == "STORAGE", locations

recipient = RecipientInput(name="Jane Doe", country="US", state="CA", city="Los Angeles",
                           address_line_1="100 Main St", postcode="90012")
order = OutboundInput(warehouse_code="US-LA01", shipping_service_code="USPS-GA", customer_reference="CLIENT-ERP-1",
                      platform=OutboundInputPlatform.SHOPIFY, recipient=recipient, items=[LineInput(sku="DEMO-0004", quantity=3)])
outbound = ok(create_outbound_order.sync(client=seller, body=order), "outbound create")
wave = ok(release_wave.sync(client=staff, body=WaveInput(warehouse_code="US-LA01", order_nos=[outbound.order_no])),
          "wave")
assert wave.order_nos == [outbound.order_no] and wave.batches, wave

# A 400 arrives as a typed error with its code.
recipient.postcode = "1234é6789"
order.customer_reference = "CLIENT-ERP-2"
refused = create_outbound_order.sync(client=seller, body=order)
assert isinstance(refused, ErrorEnvelope) and refused.code == 50087 and refused.request_id, refused
print("generated client: README flows pass")
