// Type-checks the pets example's generated declarations (codegen/tests/golden/pets): blueprint
// calls with a typed `where`, sort keys, `select` and `populate` names, typed records and
// change messages — and misuse rejected: a misspelled attribute, an operator the attribute's
// type does not allow, a sort key or an association that does not exist.
import { io } from "socket.io-client";
import { createClient } from "../../../codegen/tests/golden/pets/index.js";
import type { Client, Pet, User, UserChange, UserWhere } from "../../../codegen/tests/golden/pets/index.js";

export async function correctUse(): Promise<void> {
  const client: Client = createClient({ socket: io("http://127.0.0.1:1339") });
  const users: User[] = await client.userFind({
    where: { name: { contains: "sc" }, id: { ">": 3, nin: [7] }, or: [{ name: "scott" }, { name: ["a", "b"] }] },
    sort: [{ name: "DESC" }, { createdAt: "ASC" }],
    select: ["name"],
    populate: ["pets"],
    limit: 10,
  });
  const first: User | undefined = users[0];
  const pets: Pet[] | null | undefined = first?.pets;
  const owner = pets?.[0]?.owner;
  const ownerId: number | User | null | undefined = owner;
  void ownerId;
  const one: User = await client.userFindOne(1, { populate: [] });
  const made: User = await client.userCreate({ name: "ada", pets: [1, 2] });
  const pet: Pet = await client.petCreate({ name: "rex", owner: made.id });
  await client.userAddPets(one.id, pet.id);
  await client.userReplacePets(one.id, [pet.id]);
  const whose: User = await client.petPopulateOwner(pet.id);
  void whose;
  client.on("user", (change: UserChange) => {
    if (change.verb === "created") {
      const record: User = change.data;
      void record;
    }
  });
}

export function misuse(): void {
  // @ts-expect-error: `nmae` is not an attribute of `user`
  const misspelled: UserWhere = { nmae: "scott" };
  // @ts-expect-error: `contains` is a string operator, and `id` is a number
  const wrongOperator: UserWhere = { id: { contains: "1" } };
  // @ts-expect-error: a number attribute compared with a string
  const wrongType: UserWhere = { id: "1" };
  void [misspelled, wrongOperator, wrongType];
}

export async function misuseInCalls(client: Client): Promise<void> {
  // @ts-expect-error: `nmae` is not a sort key
  await client.userFind({ sort: [{ nmae: "ASC" }] });
  // @ts-expect-error: `owner` is not an association of `user`
  await client.userFind({ populate: ["owner"] });
  // @ts-expect-error: `age` is not an attribute of `user`
  await client.userFind({ select: ["age"] });
  // @ts-expect-error: `nmae` is not an attribute of `user`
  await client.userCreate({ nmae: "ada" });
}
