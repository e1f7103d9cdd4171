// Type-checks the serde fixture's generated declarations (codegen/tests/golden/serde):
// every serde representation accepts what serde writes (see samples.mts) and rejects the rest.
import type { Shape, Event, Message, Value, Located, Page, Point, Profile, Rgb, UserId, Nothing, FixtureError, Client } from "../../../codegen/tests/golden/serde/index.js";
import { Role, createClient } from "../../../codegen/tests/golden/serde/index.js";

export function accepted(): void {
  const shapes: Shape[] = ["Empty", { Circle: 1 }, { Rect: [1, 2] }, { Polygon: { points: [[0, 0]], closed: true } }];
  const events: Event[] = [{ type: "logged_in", user: "a" }, { type: "logged_out" }, { type: "moved", x: 1, y: 2 }];
  const messages: Message[] = [{ t: "Text", c: "x" }, { t: "Ping" }, { t: "Move", c: { dx: 1, dy: -1 } }];
  const values: Value[] = [1, "w", [2, "x"], { key: "k" }];
  const located: Located = { name: "n", x: 1, y: 2, colour: "red" };
  const page: Page<Point> = { items: [{ x: 1, y: 1 }], next: null };
  const rgb: Rgb = [1, 2, 3];
  const id: UserId = 7;
  const nothing: Nothing = null;
  const error: FixtureError = { error: "not-found", detail: "x" };
  const role: "READER" | "WRITER" | "root" = Role.SuperUser;
  const client: Client = createClient();
  void client.listPoints();
  void client.listPoints({ limit: 3, colour: "root" });
  void client.moveTo(1, 2, { t: "Ping" });
  void client.file("a/b/c");
  void [shapes, events, messages, values, located, page, rgb, id, nothing, error, role];
}

export function rejected(client: Client, p: Profile): void {
  // @ts-expect-error: an externally tagged unit variant is just its name
  const s1: Shape = { Empty: null };
  // @ts-expect-error: the internal tag is "type", in snake_case
  const e1: Event = { type: "LoggedIn", user: "a" };
  // @ts-expect-error: adjacently tagged content lives under "c"
  const m1: Message = { t: "Text", text: "x" };
  // @ts-expect-error: a boolean is not a Value
  const v1: Value = true;
  // @ts-expect-error: a tuple struct is a fixed-length array
  const r1: Rgb = [1, 2];
  // @ts-expect-error: renamed fields use their JSON names
  const name: string = p.display_name;
  // @ts-expect-error: an unknown role
  void client.listPoints({ colour: "ADMIN" });
  // @ts-expect-error: moveTo needs both coordinates
  void client.moveTo(1, { t: "Ping" });
  void [s1, e1, m1, v1, r1, name];
}
