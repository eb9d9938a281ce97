//! Choosing the compute device for the embedding model.

use std::fmt;

use candle_core::Device;

use crate::error::Error;

/// Where the embedding model runs.
///
/// The API is the same in every build. A device whose cargo feature is off (`cuda`, `metal`)
/// gives [`ErrorKind::DeviceUnavailable`](crate::error::ErrorKind::DeviceUnavailable) when it is asked
/// for explicitly; [`DeviceChoice::auto`] falls back to the CPU with a warning instead.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DeviceChoice(DeviceImpl);

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum DeviceImpl {
    Auto,
    #[default]
    Cpu,
    Cuda(usize),
    Metal(usize),
}

impl DeviceChoice {
    /// The first GPU that this build supports and that works, else the CPU.
    ///
    /// Tries CUDA device 0 (with the `cuda` feature), then Metal device 0 (with the `metal`
    /// feature), then falls back to the CPU, logging a warning for each fallback.
    pub fn auto() -> DeviceChoice {
        DeviceChoice(DeviceImpl::Auto)
    }

    /// The CPU. This is the default.
    pub fn cpu() -> DeviceChoice {
        DeviceChoice(DeviceImpl::Cpu)
    }

    /// The CUDA GPU with the given ordinal. Needs the `cuda` feature.
    pub fn cuda(ordinal: usize) -> DeviceChoice {
        DeviceChoice(DeviceImpl::Cuda(ordinal))
    }

    /// The Metal GPU with the given ordinal. Needs the `metal` feature.
    pub fn metal(ordinal: usize) -> DeviceChoice {
        DeviceChoice(DeviceImpl::Metal(ordinal))
    }

    /// Opens the chosen device.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::DeviceUnavailable`](crate::error::ErrorKind::DeviceUnavailable) if an explicitly
    /// requested GPU is not compiled in or cannot be opened.
    pub(crate) fn open(self) -> crate::error::Result<Device> {
        match self.0 {
            DeviceImpl::Cpu => Ok(Device::Cpu),
            DeviceImpl::Cuda(n) => open_cuda(n),
            DeviceImpl::Metal(n) => open_metal(n),
            DeviceImpl::Auto => {
                match open_cuda(0) {
                    Ok(device) => return Ok(device),
                    Err(e) => tracing::warn!("not using CUDA: {e}"),
                }
                match open_metal(0) {
                    Ok(device) => return Ok(device),
                    Err(e) => tracing::warn!("not using Metal: {e}"),
                }
                Ok(Device::Cpu)
            }
        }
    }
}

impl fmt::Display for DeviceChoice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            DeviceImpl::Auto => f.write_str("auto"),
            DeviceImpl::Cpu => f.write_str("cpu"),
            DeviceImpl::Cuda(n) => write!(f, "cuda:{n}"),
            DeviceImpl::Metal(n) => write!(f, "metal:{n}"),
        }
    }
}

impl std::str::FromStr for DeviceChoice {
    type Err = Error;

    /// Parses `auto`, `cpu`, `cuda`, `cuda:N`, `metal` or `metal:N`.
    fn from_str(s: &str) -> crate::error::Result<DeviceChoice> {
        let (name, ordinal) = match s.split_once(':') {
            Some((name, n)) => {
                let n = n
                    .parse::<usize>()
                    .map_err(|_| Error::invalid_argument(format!("bad device ordinal in {s:?}")))?;
                (name, Some(n))
            }
            None => (s, None),
        };
        match (name, ordinal) {
            ("auto", None) => Ok(DeviceChoice::auto()),
            ("cpu", None) => Ok(DeviceChoice::cpu()),
            ("cuda", n) => Ok(DeviceChoice::cuda(n.unwrap_or(0))),
            ("metal", n) => Ok(DeviceChoice::metal(n.unwrap_or(0))),
            _ => Err(Error::invalid_argument(format!(
                "unknown device {s:?} (expected auto, cpu, cuda[:N] or metal[:N])"
            ))),
        }
    }
}

#[cfg(feature = "cuda")]
fn open_cuda(ordinal: usize) -> crate::error::Result<Device> {
    Device::new_cuda(ordinal).map_err(|e| Error::device_unavailable(format!("cuda:{ordinal}"), e))
}

#[cfg(not(feature = "cuda"))]
fn open_cuda(ordinal: usize) -> crate::error::Result<Device> {
    Err(Error::device_unavailable(
        format!("cuda:{ordinal}"),
        "clausal was built without the `cuda` feature",
    ))
}

#[cfg(feature = "metal")]
fn open_metal(ordinal: usize) -> crate::error::Result<Device> {
    Device::new_metal(ordinal).map_err(|e| Error::device_unavailable(format!("metal:{ordinal}"), e))
}

#[cfg(not(feature = "metal"))]
fn open_metal(ordinal: usize) -> crate::error::Result<Device> {
    Err(Error::device_unavailable(
        format!("metal:{ordinal}"),
        "clausal was built without the `metal` feature",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_and_display_round_trip() {
        for s in ["auto", "cpu", "cuda:0", "cuda:3", "metal:1"] {
            let d: DeviceChoice = s.parse().unwrap();
            assert_eq!(d.to_string(), s);
        }
        assert_eq!("cuda".parse::<DeviceChoice>().unwrap(), DeviceChoice::cuda(0));
        assert!("gpu".parse::<DeviceChoice>().is_err());
        assert!("cuda:x".parse::<DeviceChoice>().is_err());
        assert!("cpu:1".parse::<DeviceChoice>().is_err());
    }

    #[test]
    fn auto_and_cpu_always_open() {
        assert!(DeviceChoice::cpu().open().unwrap().is_cpu());
        assert!(DeviceChoice::auto().open().is_ok());
    }

    #[cfg(not(feature = "cuda"))]
    #[test]
    fn cuda_without_feature_is_a_clear_error() {
        let e = DeviceChoice::cuda(0).open().unwrap_err();
        assert!(matches!(e.kind(), crate::error::ErrorKind::DeviceUnavailable { .. }), "{e}");
        assert!(e.to_string().contains("`cuda` feature"), "{e}");
    }
}
