# lambda-promote as a GitHub container action.
#
# Base images are pinned by digest so a rebuild of the same commit uses the same
# toolchain and runtime; .github/dependabot.yml (docker ecosystem) proposes
# fresh digests, so the pins do not rot. No ref of the action builds this file
# on a user's runner: CI publishes the `edge` image that action.yml on main
# names, and the release workflow publishes each release and points the
# released action.yml at it by digest (see docs/releases.md, "Releases").

# ---- build ----------------------------------------------------------------
# bookworm: the same glibc (2.36) as the distroless debian12 runtime below.
FROM rust:1.95-bookworm@sha256:6258907abe69656e41cd992e0b705cdcfabcbbe3db374f92ed2d47121282d4a1 AS build

# Absolute paths and --manifest-path rather than WORKDIR, so that no stage of
# this file sets one (see the runtime stage for why that matters).

# Dependencies first, against a placeholder crate: this layer is reused until
# Cargo.toml or Cargo.lock change, so a source edit rebuilds only our crate.
# (A layer, not a RUN --mount cache, because layers also survive in the
# release workflow's registry/GHA build cache.)
COPY Cargo.toml Cargo.lock /src/
RUN mkdir /src/src \
    && echo 'fn main() {}' > /src/src/main.rs \
    && touch /src/src/lib.rs \
    && cargo build --release --locked --manifest-path /src/Cargo.toml \
    && rm -rf /src/src

# The release profile in Cargo.toml (opt-level "z", LTO, one codegen unit,
# strip) keeps the binary small. It keeps panic = "unwind" on purpose: with
# "abort" a panic would end the process at once, and the cancellation/rollback
# guard that restores the alias would never run.
COPY src /src/src
# COPY keeps the files' mtimes, which can be older than the placeholder build:
# touch them so cargo sees the real sources as changed.
RUN touch /src/src/main.rs /src/src/lib.rs \
    && cargo build --release --locked --manifest-path /src/Cargo.toml \
    && install -m 0755 /src/target/release/lambda-promote /usr/local/bin/lambda-promote

# ---- runtime --------------------------------------------------------------
# distroless "cc": glibc, libgcc/libstdc++ and CA certificates (for TLS to AWS
# and GitHub), no shell and no package manager. The root-user tag, not
# ":nonroot", on purpose (below).
FROM gcr.io/distroless/cc-debian12@sha256:e8e7ee4b8b106d4c5fde9e422a321b2b8a2d5cca546c97adcce927f3e1d36e36

LABEL org.opencontainers.image.title="lambda-promote" \
      org.opencontainers.image.description="Validate a Lambda deployment contract and promote one image by digest" \
      org.opencontainers.image.licenses="MIT OR Apache-2.0"

COPY --from=build /usr/local/bin/lambda-promote /usr/local/bin/lambda-promote

# No USER and no WORKDIR, on purpose. GitHub runs a container action as the
# image's default user and documents that USER must not be set: the runner
# mounts the workspace and its file-command files (GITHUB_OUTPUT,
# GITHUB_STEP_SUMMARY, GITHUB_ENV) from the host, and a non-root user could not
# write them. It also sets the working directory to the mounted workspace
# itself (--workdir /github/workspace), which a WORKDIR would only obscure.
# https://docs.github.com/en/actions/sharing-automations/creating-actions/dockerfile-support-for-github-actions

# Exec form: the binary is PID 1 and receives the runner's SIGINT/SIGTERM
# itself, which the rollback-on-cancellation path depends on.
ENTRYPOINT ["/usr/local/bin/lambda-promote"]
