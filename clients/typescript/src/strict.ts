/**
 * Guards the guard: if the generated types or openapi-fetch ever degrade to `any`, these
 * expected errors disappear and `tsc` fails here, instead of passing everything silently.
 */
import type { KefuClient, TokenPair } from "./client.js";

export function typesAreNotAny(kefu: KefuClient, pair: TokenPair): void {
  // @ts-expect-error: expires_in is a number, not a string
  const expires: string = pair.expires_in;
  // @ts-expect-error: a customer needs units
  void kefu.createCustomer({ name: "张伟", phones: ["13812345678"] });
  // @ts-expect-error: limit is a number
  void kefu.listCustomers({ limit: "10" });
  // @ts-expect-error: a work order needs its request
  void kefu.sendWorkOrder("id", { department_id: "d" });
  // @ts-expect-error: no such work-order state
  void kefu.listWorkOrders({ state: "lost" });
  // @ts-expect-error: no such path in the contract
  void kefu.http.GET("/api/v1/no-such-path", {});
  void expires;
}
