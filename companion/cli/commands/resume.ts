import { controlCommand } from "../session";

export const { run, text } = controlCommand("resume");
