"""Local HTTP servers that answer as Zalo's ZNS and eSMS.vn document their APIs, and check every
request the way those services would: URL, method, headers, body. Tests only; 127.0.0.1 only.

What each checks and answers follows the services' public documentation:
- ZNS (https://developers.zalo.me/docs/zalo-notification-service): ``POST /message/template``
  with the ``access_token`` header and ``{phone, template_id, template_data, tracking_id}``,
  answering ``{"error": 0, "data": {"msg_id": ...}}`` or a negative error code; ``POST
  /v4/oa/access_token`` (form, ``secret_key`` header) renewing the token, the refresh token
  used once.
- eSMS.vn (API v4): ``POST /MainService.svc/json/SendMultipleMessage_V4_post_json/`` with the
  JSON body (ApiKey, SecretKey, Phone, Content, Brandname, SmsType, IsUnicode, RequestId),
  answering ``{"CodeResult": "100", "SMSID": ...}``, 124 for a RequestId seen before.
"""

from __future__ import annotations

import json
import re
import secrets
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FakeService:
    """An HTTP server on 127.0.0.1:0; ``handle(method, path, headers, body)`` gives
    (status, JSON-able answer). ``script`` holds answers to give first, in order."""

    def __init__(self):
        self.requests: list[dict] = []
        self.script: list = []
        self.lock = threading.Lock()
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with service.lock:
                    headers = {k.lower(): v for k, v in self.headers.items()}
                    request = {"path": self.path, "headers": headers, "raw": body}
                    service.requests.append(request)
                    status, answer = service.handle("POST", self.path, self.headers, body)
                reply = json.dumps(answer).encode() if not isinstance(answer, bytes) else answer
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def do_GET(self):
                self.send_response(405)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def scripted(self):
        return self.script.pop(0) if self.script else None


class FakeZalo(FakeService):
    APP_ID = "1234567890123456789"
    SECRET = "zalo-app-secret-KEEP-OUT-OF-LOGS"
    TEMPLATE_PATH = "/message/template"
    OAUTH_PATH = "/v4/oa/access_token"

    def __init__(self, templates: dict[str, list[str]], max_length: int = 30):
        super().__init__()
        self.templates = templates  # template id → its parameters, as registered
        self.max_length = max_length
        self.refresh_token = "refresh-" + secrets.token_hex(8)
        self.access_tokens: set[str] = set()
        self.sent: list[dict] = []  # accepted messages
        self.refreshes = 0

    def settings(self, **extra) -> dict:
        return {
            "ZALO_APP_ID": self.APP_ID,
            "ZALO_APP_SECRET": self.SECRET,
            "ZALO_REFRESH_TOKEN": self.refresh_token,
            "ZALO_ACCESS_TOKEN": "",
            "ZALO_API_URL": self.base + self.TEMPLATE_PATH,
            "ZALO_OAUTH_URL": self.base + self.OAUTH_PATH,
            "ZALO_PARAM_MAX_LENGTH": self.max_length,
            **extra,
        }

    def handle(self, method, path, headers, body):
        if path == self.OAUTH_PATH:
            return self.oauth(headers, body)
        if path != self.TEMPLATE_PATH:
            return 404, {"error": 404, "message": "not found"}
        if not headers.get("Content-Type", "").startswith("application/json"):
            return 200, {"error": -201, "message": "Content-Type must be application/json"}
        if headers.get("access_token") not in self.access_tokens:
            return 200, {"error": -124, "message": "Access token is invalid"}
        scripted = self.scripted()
        if scripted is not None:
            return scripted
        try:
            message = json.loads(body)
        except ValueError:
            return 200, {"error": -201, "message": "Body is not JSON"}
        if set(message) - {"mode"} != {"phone", "template_id", "template_data", "tracking_id"}:
            return 200, {"error": -201, "message": f"Unexpected fields {sorted(message)}"}
        if not re.fullmatch(r"84[35789]\d{8}", message["phone"]):
            return 200, {"error": -108, "message": "Phone number is invalid"}
        params = self.templates.get(message["template_id"])
        if params is None:
            return 200, {"error": -109, "message": "Template id is invalid"}
        data = message["template_data"]
        if sorted(data) != sorted(params):
            return 200, {"error": -112, "message": f"Template data {sorted(data)} != {params}"}
        for key, value in data.items():
            if not isinstance(value, str) or len(value) > self.max_length:
                return 200, {"error": -112, "message": f"Parameter {key} is invalid"}
        if not isinstance(message["tracking_id"], str) or len(message["tracking_id"]) > 48:
            return 200, {"error": -201, "message": "tracking_id is invalid"}
        msg_id = secrets.token_hex(16)
        self.sent.append({**message, "msg_id": msg_id})
        return 200, {
            "error": 0,
            "message": "Success",
            "data": {
                "msg_id": msg_id,
                "sent_time": str(int(time.time() * 1000)),
                "quota": {"dailyQuota": "500", "remainingQuota": str(500 - len(self.sent))},
            },
        }

    def oauth(self, headers, body):
        form = dict(urllib.parse.parse_qsl(body.decode()))
        if not headers.get("Content-Type", "").startswith("application/x-www-form-urlencoded"):
            return 200, {"error": -14002, "error_name": "Invalid content type"}
        if headers.get("secret_key") != self.SECRET or form.get("app_id") != self.APP_ID:
            return 200, {"error": -14001, "error_name": "Invalid app_id or secret_key"}
        if form.get("grant_type") != "refresh_token":
            return 200, {"error": -14003, "error_name": "Invalid grant_type"}
        if form.get("refresh_token") != self.refresh_token:
            # As a careless service might: the refused token echoed back in the description.
            return 200, {
                "error": -14014,
                "error_name": "Invalid refresh_token",
                "error_description": f"refresh_token {form.get('refresh_token')} is invalid",
            }
        self.refreshes += 1
        access = "access-" + secrets.token_hex(8)
        self.access_tokens = {access}  # the former access token stops working
        self.refresh_token = "refresh-" + secrets.token_hex(8)  # used once
        return 200, {
            "access_token": access,
            "refresh_token": self.refresh_token,
            "expires_in": "90000",
        }


class FakeEsms(FakeService):
    PATH = "/MainService.svc/json/SendMultipleMessage_V4_post_json/"
    API_KEY = "ESMS-API-KEY-0001"
    SECRET_KEY = "ESMS-SECRET-KEY-KEEP-OUT"
    BRAND = "UPTAKE"

    def __init__(self):
        super().__init__()
        self.seen: dict[str, str] = {}  # RequestId → SMSID
        self.sent: list[dict] = []

    def settings(self, **extra) -> dict:
        return {
            "SMS_PROVIDER": "esms",
            "ESMS_API_KEY": self.API_KEY,
            "ESMS_SECRET_KEY": self.SECRET_KEY,
            "ESMS_BRANDNAME": self.BRAND,
            "ESMS_URL": self.base + self.PATH,
            **extra,
        }

    def handle(self, method, path, headers, body):
        if path != self.PATH:
            return 404, {"CodeResult": "404"}
        try:
            message = json.loads(body)
        except ValueError:
            return 400, {"CodeResult": "99", "ErrorMessage": "Body is not JSON"}
        if message.get("ApiKey") != self.API_KEY or message.get("SecretKey") != self.SECRET_KEY:
            return 200, {"CodeResult": "101", "ErrorMessage": "Authorize Failed"}
        scripted = self.scripted()
        if scripted is not None:
            return scripted
        if message.get("Brandname") != self.BRAND:
            return 200, {"CodeResult": "104", "ErrorMessage": "Brandname khong ton tai"}
        if message.get("SmsType") != "2" or message.get("IsUnicode") not in ("0", "1"):
            return 200, {"CodeResult": "118", "ErrorMessage": "Loai tin nhan khong hop le"}
        if not re.fullmatch(r"0[35789]\d{8}", message.get("Phone", "")):
            return 200, {"CodeResult": "99", "ErrorMessage": "Phone invalid"}
        request_id = message.get("RequestId", "")
        if request_id in self.seen:
            return 200, {"CodeResult": "124", "ErrorMessage": "Trung RequestId"}
        sms_id = secrets.token_hex(8)
        self.seen[request_id] = sms_id
        self.sent.append(message)
        return 200, {"CodeResult": "100", "CountRegenerate": 0, "SMSID": sms_id}
