//! `DbProxy`: a TCP proxy of the test's own between the app and PostgreSQL, to stage a database
//! outage without touching the PostgreSQL server every test shares. `cut_for` drops every proxied
//! connection and refuses new ones for a while, as a restarting PostgreSQL does; to the app that is
//! a real outage (its sockets break, its reconnects are refused).

use std::net::SocketAddr;
use std::time::Duration;

use tokio::net::{TcpSocket, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinSet;

pub struct DbProxy {
    /// Where the app connects instead of PostgreSQL.
    pub address: SocketAddr,
    open: watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
}

impl DbProxy {
    /// Starts proxying a free local port to `upstream`.
    pub async fn start(upstream: SocketAddr) -> Self {
        let listener = bind(SocketAddr::from(([127, 0, 0, 1], 0)));
        let address = listener.local_addr().expect("proxy address");
        let (open, opened) = watch::channel(true);
        let task = tokio::spawn(run(listener, upstream, opened));
        Self {
            address,
            open,
            task,
        }
    }

    /// Drops every connection and stops listening (connects are refused).
    pub fn cut(&self) {
        self.open.send_replace(false);
    }

    /// Listens again on the same address.
    pub async fn restore(&self) {
        self.open.send_replace(true);
        // Until the listener is bound again, connects are refused; wait for it.
        while TcpStream::connect(self.address).await.is_err() {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }

    /// `cut`, then `restore` after `outage`.
    pub async fn cut_for(&self, outage: Duration) {
        self.cut();
        tokio::time::sleep(outage).await;
        self.restore().await;
    }
}

impl Drop for DbProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn bind(address: SocketAddr) -> tokio::net::TcpListener {
    let socket = TcpSocket::new_v4().expect("socket");
    socket.set_reuseaddr(true).expect("SO_REUSEADDR");
    socket.bind(address).expect("bind the proxy");
    socket.listen(128).expect("listen")
}

async fn run(
    mut listener: tokio::net::TcpListener,
    upstream: SocketAddr,
    mut open: watch::Receiver<bool>,
) {
    let address = listener.local_addr().expect("proxy address");
    loop {
        let mut pipes = JoinSet::new();
        loop {
            tokio::select! {
                accepted = listener.accept() => if let Ok((client, _)) = accepted {
                    pipes.spawn(pipe(client, upstream));
                },
                Some(_) = pipes.join_next(), if !pipes.is_empty() => {}
                changed = open.changed() => {
                    if changed.is_err() { return }
                    if !*open.borrow() { break }
                }
            }
        }
        // The outage: both ends of every connection closed, and nobody listening.
        pipes.shutdown().await;
        drop(listener);
        if open.wait_for(|open| *open).await.is_err() {
            return;
        }
        listener = bind(address);
    }
}

async fn pipe(mut client: TcpStream, upstream: SocketAddr) {
    if let Ok(mut server) = TcpStream::connect(upstream).await {
        let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
    }
}
