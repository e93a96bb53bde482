import { inventory, products, reviews, users } from './benchmarkSubgraphs.ts';

/** The query graphql-gateways-benchmark's k6 script sends (k6.js, `TestQuery`), verbatim. */
export const heavyQuery = `fragment User on User {
      id
      username
      name
    }

    fragment Review on Review {
      id
      body
    }

    fragment Product on Product {
      inStock
      name
      price
      shippingEstimate
      upc
      weight
    }

    query TestQuery {
      users {
        ...User
        reviews {
          ...Review
          product {
            ...Product
            reviews {
              ...Review
              author {
                ...User
                reviews {
                  ...Review
                  product {
                    ...Product
                  }
                }
              }
            }
          }
        }
      }
      topProducts {
        ...Product
        reviews {
          ...Review
          author {
            ...User
            reviews {
              ...Review
              product {
                ...Product
              }
            }
          }
        }
      }
    }`;

/**
 * The answer to `heavyQuery`, worked out from the subgraphs' data without
 * any gateway, field order as the query selects it. Every user's reviews and
 * every author's are the first two reviews, and every author is user 1 with
 * the username `reviews` provides, as in the original subgraphs.
 */
export function heavyQueryAnswer(): unknown {
  const product = (upc: string) => {
    const info = products.find((entry) => entry.upc === upc)!;
    return {
      inStock: inventory.find((entry) => entry.upc === upc)!.inStock,
      name: info.name,
      price: info.price,
      shippingEstimate: null,
      upc,
      weight: info.weight,
    };
  };
  const review = (id: string) => {
    const { body } = reviews.find((entry) => entry.id === id)!;
    return { id, body };
  };
  const firstTwo = reviews.slice(0, 2);
  const author = () => {
    const { id, name } = users[0]!;
    return {
      id,
      username: 'urigo',
      name,
      reviews: firstTwo.map((entry) => ({ ...review(entry.id), product: product(entry.product.upc) })),
    };
  };
  const reviewsOf = (upc: string) => reviews.filter((entry) => entry.product.upc === upc);
  return {
    data: {
      users: users.map((user) => ({
        id: user.id,
        username: user.username,
        name: user.name,
        reviews: firstTwo.map((entry) => ({
          ...review(entry.id),
          product: {
            ...product(entry.product.upc),
            reviews: reviewsOf(entry.product.upc).map((inner) => ({ ...review(inner.id), author: author() })),
          },
        })),
      })),
      topProducts: products.slice(0, 5).map((entry) => ({
        ...product(entry.upc),
        reviews: reviewsOf(entry.upc).map((inner) => ({ ...review(inner.id), author: author() })),
      })),
    },
  };
}
