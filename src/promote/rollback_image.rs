//! The image a rollback put back, for the `image-uri` and `image-digest` outputs (README,
//! "Outputs"): read from the version the first function's alias now serves, as a promotion
//! reports the image it deployed. A read that fails leaves them empty, with a warning.

use crate::aws::Read;
use crate::report::model::Report;

pub async fn fill(read: &Read, report: &mut Report) {
    let Some(p) = report.promotion.as_mut() else {
        return;
    };
    let Some(f) = p.functions.first() else {
        return;
    };
    if !p.image_uri.is_empty() {
        return;
    }
    let Some(version) = f.version.clone() else {
        return;
    };
    match read.get_function(&f.function, Some(&version)).await {
        Ok(info) => {
            let (Some(uri), Some(digest)) = (info.image_uri, info.image_digest) else {
                return;
            };
            // `Code.ImageUri` as configured: `REPO:TAG` or `REPO@sha256:…`.
            let repository = uri
                .split_once('@')
                .map_or_else(|| repository_of(&uri), |(r, _)| r.to_string());
            p.image_uri = format!("{repository}@{digest}");
            p.image_digest = digest;
        }
        Err(e) => report.warnings.push(format!(
            "the image of version {version} of {} was not read for the outputs: {e}",
            f.function
        )),
    }
}

/// `REPO:TAG` → `REPO` (a registry's `host:port` has its `:` before the first `/`).
fn repository_of(uri: &str) -> String {
    match uri.rsplit_once(':') {
        Some((repo, tag)) if !tag.contains('/') => repo.to_string(),
        _ => uri.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::repository_of;

    #[test]
    fn the_tag_goes_the_registry_port_stays() {
        let r = "1.dkr.ecr.us-east-1.amazonaws.com/worker";
        assert_eq!(repository_of(&format!("{r}:v2")), r);
        assert_eq!(
            repository_of("localhost:5000/worker"),
            "localhost:5000/worker"
        );
    }
}
