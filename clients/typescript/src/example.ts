/**
 * The flow a front end goes through, written against the client: sign in, who am I, create a
 * customer, walk every page of customers, receive a complaint and send a work order about it
 * to a department, keep a contractor, refresh the pair. `tsc` checks it with the rest;
 * compiled, it runs against a live kefu (`runExample("http://127.0.0.1:8080", "admin", pw)`).
 */
import { createKefuClient, KefuError, type Customer } from "./client.js";

export async function runExample(
  baseUrl: string,
  username: string,
  password: string,
  log: (line: string) => void = console.log,
): Promise<Customer[]> {
  const kefu = createKefuClient({ baseUrl });

  const pair = await kefu.login(username, password);
  log(`signed in: ${pair.token_type} token for ${pair.expires_in} s`);

  const me = await kefu.me();
  log(`me: ${me.username} (${me.display_name}), admin: ${me.is_admin}, grants: ${me.grants.map((g) => `${g.role}@${g.scope_kind}`).join(", ")}`);

  const created = await kefu.createCustomer(
    { name: "张伟", phones: ["13812345678"], units: [] },
    `example-${Date.now()}`,
  );
  log(`created customer ${created.id} v${created.version}, phones ${created.phones.join(", ")}`);

  const first = await kefu.listCustomers({ limit: 1 });
  log(`first page: ${first.items.length} item(s), next_cursor: ${first.next_cursor ?? "null"}`);

  const everyone: Customer[] = [];
  for await (const customer of kefu.customers({ archived: false }, 2)) {
    everyone.push(customer);
  }
  log(`all customers: ${everyone.length}`);

  const projectId = created.units[0]?.project_id;
  if (projectId !== undefined) {
    const complaint = await kefu.createComplaint(
      { kind: "complaint", channel: "phone", project_id: projectId, customer_id: created.id, description: "卫生间渗水" },
      `example-complaint-${Date.now()}`,
    );
    const due = complaint.clocks.find((c) => c.clock === "self_resolve")?.due_at;
    log(`complaint ${complaint.number}: ${complaint.grade}, ${complaint.state}, settle alone by ${due ?? "-"}`);
    const ticketed = await kefu.act(complaint, { action: "write_ticket" });
    log(`now ${ticketed.state}; may ${ticketed.allowed_actions.join(", ")}`);
    const open = await kefu.listComplaints({ state: "ticketed", owner_id: "me" });
    log(`my ticketed complaints: ${open.items.length}`);

    // A photo of the leak (its type is read from the bytes: a JPEG's first three).
    const photo = new Blob([new Uint8Array([0xff, 0xd8, 0xff, 0xe0])], { type: "image/jpeg" });
    const kept = await kefu.uploadAttachment(complaint.id, photo, "leak.jpg");
    const attachments = await kefu.listAttachments(complaint.id);
    log(`attachment ${kept.media_type} ${kept.sha256}; ${attachments.length} in all, at ${kept.download}`);

    // A work order (联系单) goes to a department of the complaint's company.
    const project = await kefu.http.GET("/api/v1/org/projects/{id}", { params: { path: { id: projectId } } });
    const companyId = project.data?.company_id;
    const departments =
      companyId === undefined
        ? undefined
        : await kefu.http.GET("/api/v1/org/departments", { params: { query: { company_id: companyId } } });
    const department = departments?.data?.items[0];
    if (department !== undefined) {
      const order = await kefu.sendWorkOrder(
        complaint.id,
        { department_id: department.id, request: "请核实渗水原因并提出整改方案", site_survey: true },
        `example-work-order-${Date.now()}`,
      );
      log(`work order ${order.id} to ${department.name}: ${order.state}, reply due ${order.due_at ?? "-"}`);
      const apologized = await kefu.actOnWorkOrder(order, { action: "apologize", means: "phone", note: "电话致歉" });
      log(`work order v${apologized.version}; may ${apologized.allowed_actions.join(", ")}`);
      const queue = await kefu.listWorkOrders({ department_id: department.id, overdue: false });
      log(`department queue: ${queue.items.length} on time`);
    }
  }

  const contractor = await kefu.createContractor(
    { name: `晋愉建设 ${Date.now()}`, warranty_deposit_fen: 50_000_000, warranty_ends_on: "2028-06-30" },
    `example-contractor-${Date.now()}`,
  );
  log(`contractor ${contractor.name}: warranty covered by ${contractor.warranty_cover}`);
  const contractors = await kefu.listContractors({ archived: false });
  log(`current contractors: ${contractors.items.length}`);

  const renewed = await kefu.refresh();
  log(`refreshed: new pair ${renewed.refresh_token === pair.refresh_token ? "NOT " : ""}different`);

  try {
    await kefu.createCustomer({ name: "", phones: ["not a phone"], units: [] });
  } catch (e) {
    if (!(e instanceof KefuError)) throw e;
    log(`refused: ${e.status} ${e.code} [${e.problem?.errors?.map((f) => `${f.field}: ${f.code}`).join("; ") ?? ""}]`);
  }
  return everyone;
}
