"""Seeds a freshly started kefu with one record of every kind, for `make fuzz`.

Schemathesis generates ids that name nothing, so by-id operations would only ever answer 404.
This creates a company, project, building, units, department, customer, user, grant, client,
group, calendar, complaint, shared problem, customer event, contractor and work order through
the API, and prints `export KEFU_FUZZ_…=id` lines that
schemathesis.toml reads (`${KEFU_FUZZ_COMPANY}`): the fuzzing then reaches real records.
Usage: fuzz_seed.py BASE_URL TOKEN
"""

import json
import sys
import time
import urllib.error
import urllib.request


def call(base, token, method, path, body=None, headers=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + path, data=data, method=method)
    req.add_header("Authorization", "Bearer " + token)
    for name, value in (headers or {}).items():
        req.add_header(name, value)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=30) as res:
            return json.loads(res.read() or b"null")
    except urllib.error.HTTPError as e:
        sys.exit(f"fuzz_seed: {method} {path} answered {e.code}: {e.read().decode()}")


def upload(base, token, path, name, data):
    """A multipart upload of one part named `file`."""
    boundary = "kefu-fuzz-seed-boundary"
    body = (
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n"
        f"Content-Type: application/octet-stream\r\n\r\n"
    ).encode() + data + f"\r\n--{boundary}--\r\n".encode()
    req = urllib.request.Request(base + path, data=body, method="POST")
    req.add_header("Authorization", "Bearer " + token)
    req.add_header("Content-Type", f"multipart/form-data; boundary={boundary}")
    try:
        with urllib.request.urlopen(req, timeout=30) as res:
            return json.loads(res.read())
    except urllib.error.HTTPError as e:
        sys.exit(f"fuzz_seed: POST {path} answered {e.code}: {e.read().decode()}")


def main():
    base, token = sys.argv[1], sys.argv[2]
    post = lambda path, body: call(base, token, "POST", path, body)
    me = call(base, token, "GET", "/api/v1/me")
    company = post("/api/v1/org/companies", {"name": "晋愉地产 seed", "kind": "developer"})["id"]
    project = post("/api/v1/org/projects", {"company_id": company, "name": "蓝湾 seed"})["id"]
    building = post("/api/v1/org/buildings", {"project_id": project, "name": "3号楼"})["id"]
    unit = post("/api/v1/org/units", {"building_id": building, "number": "3-1301"})["id"]
    other_unit = post("/api/v1/org/units", {"building_id": building, "number": "3-1302"})["id"]
    department = post(
        "/api/v1/org/departments",
        {"company_id": company, "name": "工程部 seed", "kind": "engineering"},
    )["id"]
    customer = post(
        "/api/v1/customers",
        {"name": "张伟", "phones": ["13812345678"], "units": [{"unit_id": unit}]},
    )["id"]
    # Erasure is final: the erasure operation gets a customer of its own, so the other
    # operations on a customer keep reaching one whose name and phones may change.
    erasable = post(
        "/api/v1/customers",
        {"name": "李娜", "phones": ["13900001111"], "units": [{"unit_id": other_unit}]},
    )["id"]
    user = post(
        "/api/v1/users",
        {"username": "seed.user", "display_name": "Seed", "password": "seed-user-password"},
    )["id"]
    grant = post(
        "/api/v1/grants",
        {"principal_kind": "user", "principal_id": user, "role": "cs_specialist",
         "scope_kind": "project", "scope_id": project},
    )["id"]
    client = post("/api/v1/integration-clients", {"name": "seed-crm"})["client"]["id"]
    group = post(
        "/api/v1/groups",
        {"code": "seed-group", "name": "Seed group",
         "admin": {"username": "seed.admin", "display_name": "Seed admin",
                   "password": "seed-admin-password"}},
    )["id"]
    calendars = call(base, token, "GET", "/api/v1/calendars?limit=200")["items"]
    template = next(c["id"] for c in calendars if c["is_default"] and c["group_id"] is None)
    calendar = post("/api/v1/calendars", {"name": "物业前台 seed", "base_calendar_id": template})["id"]
    # A year of its own, so reading and removing a year reach a real schedule.
    call(
        base,
        token,
        "PUT",
        f"/api/v1/calendars/{calendar}/years/2026",
        {"year": 2026, "source": "seed", "days": [
            {"date": "2026-10-01", "kind": "holiday", "name": "国庆节"}]},
    )
    # The fuzzing user also works complaints (an admin only reads them), and one complaint
    # gives the by-id complaint operations a real record.
    post(
        "/api/v1/grants",
        {"principal_kind": "user", "principal_id": me["id"], "role": "cs_manager",
         "scope_kind": "group"},
    )
    complaint = post(
        "/api/v1/complaints",
        {"kind": "complaint", "channel": "phone", "project_id": project,
         "customer_id": customer, "unit_id": unit, "description": "卫生间渗水 seed"},
    )["id"]
    problem = post("/api/v1/problems", {"project_id": project, "title": "3号楼外墙渗水 seed"})["id"]
    # A complaint claiming 2,000,000 fen opens a customer event of its own (R-EVT-2).
    post(
        "/api/v1/complaints",
        {"kind": "complaint", "channel": "visit", "project_id": project, "customer_id": customer,
         "description": "要求退房 seed", "amount_claimed_fen": 2000000},
    )
    event = call(base, token, "GET", "/api/v1/customer-events")["items"][0]["id"]
    # A contractor of the group (the fuzzing user keeps them: admin and cs_manager group-wide),
    # and a work order about the seeded complaint sent to the department of its company. The
    # fuzzing user also heads that department, so the department's side of a work order (reply,
    # survey, approval) is reachable too, not only the customer center's.
    contractor = post(
        "/api/v1/contractors",
        {"name": "晋愉建设 seed", "licence": "91140100MA0K000000",
         "warranty_deposit_fen": 50000000, "warranty_ends_on": "2028-06-30"},
    )["id"]
    post(
        "/api/v1/grants",
        {"principal_kind": "user", "principal_id": me["id"], "role": "dept_head",
         "scope_kind": "department", "scope_id": department},
    )
    work_order = post(
        f"/api/v1/complaints/{complaint}/work-orders",
        {"department_id": department, "request": "请核实卫生间渗水原因 seed",
         "site_survey": False, "complex": False},
    )["id"]
    attachment = upload(
        base, token, f"/api/v1/complaints/{complaint}/attachments", "photo.jpg",
        b"\xff\xd8\xff\xe0 a seed photo",
    )["id"]
    # The customer-service fund (R-AP-3): the fuzzing user keeps it (finance), and prepares a
    # disbursement for the seeded complaint whose approval (R-AP) the by-id operations reach;
    # the customer event goes to the decision committee in writing (R-AP-2).
    post(
        "/api/v1/grants",
        {"principal_kind": "user", "principal_id": me["id"], "role": "finance",
         "scope_kind": "group"},
    )
    account = post("/api/v1/fund-accounts", {"project_id": project})["id"]
    post(
        f"/api/v1/fund-accounts/{account}/credits",
        {"source": "project_reserve", "amount_fen": 10000000, "reference": "立项预留 seed"},
    )
    disbursement = post(
        f"/api/v1/fund-accounts/{account}/disbursements",
        {"complaint_id": complaint, "amount_fen": 60000, "use": "repair", "summary": "维修 seed"},
    )
    committee = post(
        "/api/v1/committee-decisions",
        {"form": "written", "customer_event_id": event, "matter": "退房诉求 seed"},
    )["id"]
    # A webhook subscription of the group (the fuzzing user is its admin). Its URL names a host
    # outside; deliveries to it are attempted by the server's jobs and fail quietly.
    webhook = post(
        "/api/v1/webhooks",
        {"url": "https://crm.example.com/kefu/hooks", "description": "CRM seed",
         "event_types": ["complaint.created"]},
    )["webhook"]["id"]
    # A resolved complaint has its callback task (R-T-6); a batch of a past week its tracking
    # list (R-CB-1).
    resolved = post(
        "/api/v1/complaints",
        {"kind": "complaint", "channel": "phone", "project_id": project, "customer_id": customer,
         "category": "staff_attitude", "description": "保安态度 seed"},
    )["id"]
    for version, step in enumerate([
        {"action": "write_ticket"},
        {"action": "collect_evidence", "findings": "属实 seed"},
        {"action": "handle"},
        {"action": "resolve", "resolution": "已道歉 seed"},
    ], start=1):
        call(base, token, "POST", f"/api/v1/complaints/{resolved}/transitions", step,
             {"If-Match": f'"{version}"'})
    callback = call(base, token, "GET", f"/api/v1/callbacks?complaint_id={resolved}")["items"][0]["id"]
    batch = post("/api/v1/callbacks/batches", {"week_of": "2026-01-05", "seed": "7"})["id"]
    # A survey campaign over the seeded project (its owner a respondent) with one answer and
    # its open comment (R-SAT-1), and the department's improvement plan (R-SAT-3).
    survey = post(
        "/api/v1/surveys",
        {"name": "满意度调查 seed", "period": "2026-12", "company_id": company,
         "project_ids": [project]},
    )["id"]
    post(
        f"/api/v1/surveys/{survey}/answers",
        {"customer_id": customer, "scores": {"overall_design": 4, "construction_quality": 3,
         "fitout_quality": 4, "sales_process": 5, "developer_service": 4,
         "property_service": 3}, "comments": ["电梯等候时间长 seed"]},
    )
    comment = call(base, token, "GET", f"/api/v1/surveys/{survey}/comments")["items"][0]["id"]
    plan = post(
        "/api/v1/improvement-plans",
        {"department_id": department, "year": 2027,
         "items": [{"title": "缩短电梯等候 seed", "owner_id": me["id"], "due_on": "2027-06-30"}]},
    )["id"]
    # The customer center owes R-RP-1's weekly statement: the server's periodic job plans the
    # ones due within the month ahead (it runs every few seconds).
    post(
        "/api/v1/org/departments",
        {"company_id": company, "name": "客户中心 seed", "kind": "customer_center"},
    )
    obligation = None
    for _ in range(120):
        owed = call(base, token, "GET", "/api/v1/reports/obligations?code=rp1_weekly")["items"]
        if owed:
            obligation = owed[0]["id"]
            break
        time.sleep(0.5)
    if obligation is None:
        sys.exit("fuzz seed: the periodic job planned no report obligation within a minute")
    # The department's monthly work plan (R-RP-13) and a typical case of the resolved
    # complaint with the seeded photo (R-RP-4, R-RP-7).
    work_plan = post(
        "/api/v1/work-plans",
        {"kind": "monthly", "year": 2027, "month": 1, "department_id": department,
         "title": "1月客服工作计划 seed",
         "items": [{"title": "回访复核 seed", "owner_id": me["id"], "due_on": "2027-01-15"}]},
    )
    case = post(
        "/api/v1/cases",
        {"title": "渗水典型案例 seed", "complaint_ids": [resolved], "facts": "顶板渗水 seed",
         "analysis": "防水搭接不足", "measures": "重做防水层", "lessons": "隐蔽工程留影像",
         "photo_ids": [attachment], "tags": ["渗水"]},
    )["id"]
    seeded = {
        "GROUP_OF_ME": me["group_id"],
        "COMPANY": company,
        "PROJECT": project,
        "BUILDING": building,
        "UNIT": unit,
        "OTHER_UNIT": other_unit,
        "DEPARTMENT": department,
        "CUSTOMER": customer,
        "ERASABLE_CUSTOMER": erasable,
        "USER": user,
        "GRANT": grant,
        "CLIENT": client,
        "GROUP": group,
        "CALENDAR": calendar,
        "COMPLAINT": complaint,
        "PROBLEM": problem,
        "CUSTOMER_EVENT": event,
        "CONTRACTOR": contractor,
        "WORK_ORDER": work_order,
        "ATTACHMENT": attachment,
        "FUND_ACCOUNT": account,
        "DISBURSEMENT": disbursement["id"],
        "APPROVAL": disbursement["approval_id"],
        "COMMITTEE_DECISION": committee,
        "WEBHOOK": webhook,
        "CALLBACK": callback,
        "CALLBACK_BATCH": batch,
        "SURVEY": survey,
        "SURVEY_COMMENT": comment,
        "IMPROVEMENT_PLAN": plan,
        "REPORT_OBLIGATION": obligation,
        "WORK_PLAN": work_plan["id"],
        "WORK_PLAN_ITEM": work_plan["items"][0]["id"],
        "CASE": case,
        "RESOLVED_COMPLAINT": resolved,
    }
    for name, value in seeded.items():
        print(f"export KEFU_FUZZ_{name}={value}")


if __name__ == "__main__":
    main()
