/** The protocol package: compiled into the firmware and into the companion. Imports nothing. */
export * from "./limits";
export * from "./boards";
export * from "./uuids";
export * from "./codes";
export * from "./bytes";
export * from "./crc";
export * from "./frame";
export * from "./record";
export * from "./program";
export * from "./validate";
export * from "./messages";
export * from "./presets";
