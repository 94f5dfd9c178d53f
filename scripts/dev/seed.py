#!/usr/bin/env python3
"""Seed a running moto server with the AWS state a test or the demo needs.

Usage:
    .venv/bin/python scripts/dev/seed.py --endpoint http://127.0.0.1:PORT --region us-east-1 [--account 111111111111] [--docker-free-lambda] [STATE.json | -]

The spec is read from the file named, or from stdin when it is `-` or absent.
A JSON description of everything created is printed on stdout; progress and
errors go to stderr, and any failure exits non-zero.

Start moto with MOTO_LAMBDA_STUB_ECR=false so Lambda resolves images in moto's
ECR and reports the image digest as CodeSha256 (see tests/MOTO.md).
`--docker-free-lambda` first POSTs {"lambda": {"use_docker": false}} to
/moto-api/config; do it before any function exists, as moto keeps the
docker-free functions in a separate store.

Spec format (every key optional):

{
  "role": "lambda-promote-test-role",          # IAM role the functions use (created)
  "ecr": [
    {"repository": "app",
     "policy": {"Version": "2012-10-17", "Statement": [...]},   # optional repository policy
     "images": [
       {"name": "v1",                          # key in the output; default "REPO:FIRST_TAG"
        "tags": ["v1", "latest"],              # tags pushed (may be empty: untagged)
        "seed": "any text",                    # varies layer/config digests; default: name
        "media_type": "docker"}                # docker | oci | docker-list | oci-index | a full media type;
                                               # the two list kinds push an image index (for refusal tests)
     ]}
  ],
  "functions": [
    {"name": "worker-dev",
     "package_type": "Image",                  # or "Zip" (python3.12, for not-an-image-function)
     "image": {"repository": "app", "tag": "v1", "by": "digest"},  # by: digest (default) | tag
     "image_uri": "…",                         # alternative to "image": a literal ImageUri
     "environment": {"AURORA_HOST": "db.dev"},
     "description": "…",
     "versions": [                             # each entry is published in order: version 1, 2, …
       {"image": {"repository": "app", "tag": "v0"},   # optional: code for this version
        "environment": {"K": "V"},              # optional: replaces the environment
        "description": "…"}                    # optional: version description
     ],
     "aliases": [
       {"name": "live", "version": 1,          # a version published above
        "weights": {"2": 0.1},                 # optional RoutingConfig.AdditionalVersionWeights
        "description": "…"}
     ],
     "final_image": {"repository": "app", "tag": "v2"}   # optional: $LATEST code after publishing
    }
  ],
  "log_groups": [
    {"name": "/aws/lambda/worker-prod",
     "streams": [
       {"name": "{date}/[3]abc123",           # {date} becomes today's UTC YYYY/MM/DD
        "events": [{"message": "ERROR boom", "ago_ms": 1000}]}   # timestamp = now - ago_ms
     ]}
  ],
  "cloudfront": [
    {"comment": "app-dev", "aliases": ["dev.example.com"], "enabled": true}
  ]
}

Output:

{
  "account": "123456789012", "region": "us-east-1", "role_arn": "arn:aws:iam::…",
  "repositories": {"app": {"uri": "123456789012.dkr.ecr.us-east-1.amazonaws.com/app"}},
  "images": {"v1": {"repository": "app", "digest": "sha256:…", "uri": "…/app@sha256:…",
                    "tags": ["v1"], "media_type": "…"}},
  "functions": {"worker-dev": {"arn": "…", "package_type": "Image", "image_uri": "…",
                               "code_sha256": "…",
                               "versions": {"1": {"arn": "…", "image_uri": "…", "code_sha256": "…"}},
                               "aliases": {"live": {"arn": "…", "version": "1", "weights": {}}}}},
  "log_groups": {"/aws/lambda/worker-dev": {"streams": ["2026/11/22/[3]abc123"]}},
  "distributions": {"app-dev": {"id": "E…", "arn": "…", "domain_name": "….cloudfront.net",
                                "aliases": ["dev.example.com"], "enabled": true}}
}
"""

import argparse
import datetime
import hashlib
import io
import json
import sys
import time
import urllib.request
import zipfile

import seed_account  # its folder, scripts/dev/, is on sys.path when this runs as a script

MEDIA_TYPES = {
    "docker": "application/vnd.docker.distribution.manifest.v2+json",
    "oci": "application/vnd.oci.image.manifest.v1+json",
    "docker-list": "application/vnd.docker.distribution.manifest.list.v2+json",
    "oci-index": "application/vnd.oci.image.index.v1+json",
}
LIST_TYPES = {MEDIA_TYPES["docker-list"], MEDIA_TYPES["oci-index"]}
CONFIG_TYPES = {
    MEDIA_TYPES["docker"]: "application/vnd.docker.container.image.v1+json",
    MEDIA_TYPES["oci"]: "application/vnd.oci.image.config.v1+json",
}
LAYER_TYPES = {
    MEDIA_TYPES["docker"]: "application/vnd.docker.image.rootfs.diff.tar.gzip",
    MEDIA_TYPES["oci"]: "application/vnd.oci.image.layer.v1.tar+gzip",
}
ASSUME_LAMBDA = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "lambda.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
)


def sha(text):
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


def image_manifest(seed, media_type):
    """A single-platform manifest shaped like what `docker push` sends."""
    return json.dumps(
        {
            "schemaVersion": 2,
            "mediaType": media_type,
            "config": {
                "mediaType": CONFIG_TYPES[media_type],
                "size": 1469,
                "digest": sha("config:" + seed),
            },
            "layers": [
                {"mediaType": LAYER_TYPES[media_type], "size": 3 * 1024 * 1024 + i, "digest": sha(f"layer{i}:{seed}")}
                for i in range(3)
            ],
        },
        separators=(",", ":"),
    )


def index_manifest(seed, media_type):
    """A two-platform image index / manifest list (Lambda refuses these)."""
    child = MEDIA_TYPES["oci"] if media_type == MEDIA_TYPES["oci-index"] else MEDIA_TYPES["docker"]
    return json.dumps(
        {
            "schemaVersion": 2,
            "mediaType": media_type,
            "manifests": [
                {
                    "mediaType": child,
                    "size": 1024,
                    "digest": sha(f"{arch}:{seed}"),
                    "platform": {"architecture": arch, "os": "linux"},
                }
                for arch in ("amd64", "arm64")
            ],
        },
        separators=(",", ":"),
    )


class Seeder:
    def __init__(self, endpoint, region, account=None):
        self.endpoint = endpoint.rstrip("/")
        self.region = region
        # moto's default account, or `account` through an assumed role.
        self.session = seed_account.session(self.endpoint, region, account)
        self.account = self.client("sts").get_caller_identity()["Account"]
        self.out = {
            "account": self.account,
            "region": region,
            "role_arn": None,
            "repositories": {},
            "images": {},
            "functions": {},
            "log_groups": {},
            "distributions": {},
        }

    def client(self, name):
        return self.session.client(name, endpoint_url=self.endpoint)

    def docker_free_lambda(self):
        req = urllib.request.Request(
            self.endpoint + "/moto-api/config",
            data=json.dumps({"lambda": {"use_docker": False}}).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(req, timeout=10) as resp:
            if resp.status not in (200, 201):
                raise RuntimeError(f"moto config answered HTTP {resp.status}")

    def registry(self):
        return f"{self.account}.dkr.ecr.{self.region}.amazonaws.com"

    def role(self, name):
        iam = self.client("iam")
        try:
            arn = iam.get_role(RoleName=name)["Role"]["Arn"]
        except iam.exceptions.NoSuchEntityException:
            arn = iam.create_role(RoleName=name, AssumeRolePolicyDocument=ASSUME_LAMBDA)["Role"]["Arn"]
        self.out["role_arn"] = arn

    def ecr(self, repos):
        ecr = self.client("ecr")
        for repo in repos:
            name = repo["repository"]
            try:
                uri = ecr.create_repository(repositoryName=name)["repository"]["repositoryUri"]
            except ecr.exceptions.RepositoryAlreadyExistsException:
                uri = ecr.describe_repositories(repositoryNames=[name])["repositories"][0]["repositoryUri"]
            self.out["repositories"][name] = {"uri": uri}
            if "policy" in repo:
                ecr.set_repository_policy(repositoryName=name, policyText=json.dumps(repo["policy"]))
            for i, image in enumerate(repo.get("images", [])):
                self.push(ecr, name, uri, i, image)

    def push(self, ecr, repo, uri, index, image):
        tags = list(image.get("tags", []))
        key = image.get("name") or (f"{repo}:{tags[0]}" if tags else f"{repo}#{index}")
        media_type = MEDIA_TYPES.get(image.get("media_type", "docker"), image.get("media_type"))
        seed = image.get("seed", key)
        if media_type in LIST_TYPES:
            manifest = index_manifest(seed, media_type)
        elif media_type in CONFIG_TYPES:
            manifest = image_manifest(seed, media_type)
        else:
            raise ValueError(f"image {key}: unknown media_type {media_type!r}")
        # moto derives the digest from the layers unless told; ECR uses the
        # manifest bytes, so pass that digest for realistic values.
        digest = sha(manifest)
        for tag in tags or [None]:
            args = dict(
                repositoryName=repo,
                imageManifest=manifest,
                imageManifestMediaType=media_type,
                imageDigest=digest,
            )
            if tag:
                args["imageTag"] = tag
            ecr.put_image(**args)
        self.out["images"][key] = {
            "repository": repo,
            "digest": digest,
            "uri": f"{uri}@{digest}",
            "tags": tags,
            "media_type": media_type,
        }

    def image_uri(self, ref):
        """An ImageUri from {"repository", "tag", "by"} or a literal string."""
        if isinstance(ref, str):
            return ref
        uri = f"{self.registry()}/{ref['repository']}"
        if ref.get("by", "digest") == "tag":
            return f"{uri}:{ref['tag']}"
        if "digest" in ref:
            return f"{uri}@{ref['digest']}"
        for image in self.out["images"].values():
            if image["repository"] == ref["repository"] and ref["tag"] in image["tags"]:
                return f"{uri}@{image['digest']}"
        # Seeded by an earlier call: ask ECR.
        found = self.client("ecr").describe_images(repositoryName=ref["repository"], imageIds=[{"imageTag": ref["tag"]}])
        return f"{uri}@{found['imageDetails'][0]['imageDigest']}"

    def functions(self, functions):
        lam = self.client("lambda")
        for fn in functions:
            self.function(lam, fn)

    def function(self, lam, fn):
        name = fn["name"]
        package_type = fn.get("package_type", "Image")
        versions = fn.get("versions", [])
        args = dict(
            FunctionName=name,
            Role=self.out["role_arn"],
            Description=fn.get("description", ""),
            Timeout=30,
            Environment={"Variables": fn.get("environment", {})},
        )
        if package_type == "Zip":
            args.update(Runtime="python3.12", Handler="index.handler", Code={"ZipFile": handler_zip()})
            image_uri = None
        else:
            first = fn.get("image_uri") or fn.get("image") or (versions[0].get("image") if versions else None)
            if first is None:
                raise ValueError(f"function {name}: no image")
            image_uri = self.image_uri(first)
            args.update(PackageType="Image", Code={"ImageUri": image_uri})
        created = lam.create_function(**args)
        record = {
            "arn": created["FunctionArn"],
            "package_type": package_type,
            "image_uri": image_uri,
            "code_sha256": created["CodeSha256"],
            "versions": {},
            "aliases": {},
        }
        for n, version in enumerate(versions, start=1):
            if "image" in version and package_type == "Image":
                image_uri = self.image_uri(version["image"])
                lam.update_function_code(FunctionName=name, ImageUri=image_uri)
            config = {"Description": version.get("description", f"seed version {n}")}
            if "environment" in version:
                config["Environment"] = {"Variables": version["environment"]}
            # Always touch the configuration: moto publishes a new version only
            # after a change, and every listed entry must become a version.
            lam.update_function_configuration(FunctionName=name, **config)
            published = lam.publish_version(FunctionName=name, Description=config["Description"])
            record["versions"][published["Version"]] = {
                "arn": published["FunctionArn"],
                "image_uri": image_uri,
                "code_sha256": published["CodeSha256"],
            }
        if "final_image" in fn:
            image_uri = self.image_uri(fn["final_image"])
            lam.update_function_code(FunctionName=name, ImageUri=image_uri)
        if versions:
            # Restore the function-level description once versions are out.
            lam.update_function_configuration(FunctionName=name, Description=fn.get("description", ""))
        latest = lam.get_function_configuration(FunctionName=name)
        record["image_uri"] = image_uri
        record["code_sha256"] = latest["CodeSha256"]
        for alias in fn.get("aliases", []):
            args = dict(
                FunctionName=name,
                Name=alias["name"],
                FunctionVersion=str(alias["version"]),
                Description=alias.get("description", ""),
            )
            if alias.get("weights"):
                args["RoutingConfig"] = {
                    "AdditionalVersionWeights": {str(k): float(v) for k, v in alias["weights"].items()}
                }
            made = lam.create_alias(**args)
            record["aliases"][alias["name"]] = {
                "arn": made["AliasArn"],
                "version": made["FunctionVersion"],
                "weights": (made.get("RoutingConfig") or {}).get("AdditionalVersionWeights", {}),
            }
        self.out["functions"][name] = record

    def log_groups(self, groups):
        logs = self.client("logs")
        today = datetime.datetime.now(datetime.timezone.utc).strftime("%Y/%m/%d")
        now_ms = int(time.time() * 1000)
        for group in groups:
            name = group["name"]
            logs.create_log_group(logGroupName=name)
            streams = []
            for stream in group.get("streams", []):
                stream_name = stream["name"].replace("{date}", today)
                logs.create_log_stream(logGroupName=name, logStreamName=stream_name)
                events = sorted(
                    ({"timestamp": now_ms - int(e.get("ago_ms", 0)), "message": e["message"]} for e in stream.get("events", [])),
                    key=lambda e: e["timestamp"],
                )
                if events:
                    logs.put_log_events(logGroupName=name, logStreamName=stream_name, logEvents=events)
                streams.append(stream_name)
            self.out["log_groups"][name] = {"streams": streams}

    def cloudfront(self, distributions):
        cf = self.client("cloudfront")
        for i, dist in enumerate(distributions):
            aliases = dist.get("aliases", [])
            config = {
                "CallerReference": f"seed-{i}-{time.time_ns()}",
                "Comment": dist.get("comment", ""),
                "Enabled": bool(dist.get("enabled", True)),
                "Aliases": {"Quantity": len(aliases), "Items": aliases} if aliases else {"Quantity": 0},
                "Origins": {
                    "Quantity": 1,
                    "Items": [
                        {
                            "Id": "origin",
                            "DomainName": dist.get("origin", "origin.example.com"),
                            "CustomOriginConfig": {
                                "HTTPPort": 80,
                                "HTTPSPort": 443,
                                "OriginProtocolPolicy": "https-only",
                            },
                        }
                    ],
                },
                "DefaultCacheBehavior": {
                    "TargetOriginId": "origin",
                    "ViewerProtocolPolicy": "redirect-to-https",
                    "MinTTL": 0,
                    "ForwardedValues": {"QueryString": False, "Cookies": {"Forward": "none"}},
                    "TrustedSigners": {"Enabled": False, "Quantity": 0},
                },
            }
            made = cf.create_distribution(DistributionConfig=config)["Distribution"]
            key = dist.get("name") or dist.get("comment") or made["Id"]
            self.out["distributions"][key] = {
                "id": made["Id"],
                "arn": made["ARN"],
                "domain_name": made["DomainName"],
                "aliases": aliases,
                "enabled": config["Enabled"],
            }


def handler_zip():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("index.py", "def handler(event, context):\n    return event\n")
    return buf.getvalue()


def main():
    parser = argparse.ArgumentParser(description="Seed moto from a JSON spec (see the module doc).")
    parser.add_argument("--endpoint", required=True)
    parser.add_argument("--region", required=True)
    parser.add_argument("--account", help="seed in this 12-digit account (through an assumed role)")
    parser.add_argument("--docker-free-lambda", action="store_true", help="switch moto's Lambda to the docker-free backend first")
    parser.add_argument("spec", nargs="?", default="-")
    args = parser.parse_args()

    spec = json.load(sys.stdin) if args.spec == "-" else json.load(open(args.spec, encoding="utf-8"))
    seeder = Seeder(args.endpoint, args.region, args.account)
    if args.docker_free_lambda:
        seeder.docker_free_lambda()
    seeder.ecr(spec.get("ecr", []))
    if spec.get("functions"):
        seeder.role(spec.get("role", "lambda-promote-test-role"))
        seeder.functions(spec["functions"])
    seeder.log_groups(spec.get("log_groups", []))
    seeder.cloudfront(spec.get("cloudfront", []))
    json.dump(seeder.out, sys.stdout, indent=2, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    try:
        main()
    except Exception as exc:  # one clear line for the test harness, not a traceback
        print(f"seed.py: {type(exc).__name__}: {exc}", file=sys.stderr)
        sys.exit(1)
