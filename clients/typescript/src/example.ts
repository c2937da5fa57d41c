/**
 * The flow a front end goes through, written against the client: sign in, who am I, create a
 * customer, walk every page of customers, refresh the pair. `tsc` checks it with the rest;
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
  }

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
